using System.Text.Json.Nodes;

namespace Mesh.Build.Istio;

/// <summary>Where the pipeline puts things: the names Istio's documentation uses, so its commands work as written.</summary>
public static class MeshLayout
{
    /// <summary>istiod, the base chart's release and the dashboards; also Istio's root namespace (mesh-wide policies).</summary>
    public const string IstioNamespace = "istio-system";

    /// <summary>The ingress gateway's namespace; the gateway's TLS Secret lives here, where SDS reads it.</summary>
    public const string GatewayNamespace = "istio-ingress";

    /// <summary>The gateway chart's release: the chart strips "istio-", so its pods carry <c>istio: ingressgateway</c>.</summary>
    public const string GatewayRelease = "istio-ingressgateway";

    /// <summary>The label selector of the gateway's pods (the chart's <c>istio</c> label: the release without "istio-").</summary>
    public const string GatewayPods = "istio=ingressgateway";

    public const string ExternalDnsNamespace = "external-dns";

    /// <summary>The label (on namespaces, pods, webhooks, istiod) and the annotation (on injected pods) naming a revision or tag.</summary>
    public const string RevisionLabel = "istio.io/rev";

    /// <summary>
    /// The revision a canary installs for an Istio version: a DNS label, dots and anything else a label cannot
    /// hold turned to dashes, so 1.31.0 is 1-31-0 and 1.31.0-rc.0 is 1-31-0-rc-0.
    /// </summary>
    public static string RevisionOf(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var label = string.Concat(version.TrimStart('v').ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
        while (label.Contains("--", StringComparison.Ordinal))
        {
            label = label.Replace("--", "-", StringComparison.Ordinal);
        }

        label = label.Trim('-');
        return label.Length <= 63 ? label : label[..63].TrimEnd('-');
    }

    /// <summary>The MutatingWebhookConfiguration istiod's chart renders for a revision tag (in istio-system).</summary>
    public static string RevisionTagWebhook(string tag) => $"istio-revision-tag-{tag}";

    /// <summary>The label Istio puts on everything of its charts, its CRDs included, as a label selector.</summary>
    public const string PartOfIstio = "app.kubernetes.io/part-of=istio";

    /// <summary>Whether an object carries <see cref="PartOfIstio"/>.</summary>
    public static bool IsPartOfIstio(JsonNode? obj) => (string?)obj?["metadata"]?["labels"]?["app.kubernetes.io/part-of"] == "istio";

    /// <summary>Whether a CustomResourceDefinition is Istio's: labelled so, or of an <c>*.istio.io</c> group (charts before 1.24 did not label them).</summary>
    public static bool IsIstioCrd(JsonNode crd) =>
        ((string?)crd["metadata"]?["name"] ?? string.Empty).EndsWith(".istio.io", StringComparison.Ordinal) || IsPartOfIstio(crd);

    /// <summary>The ConfigMap istiod writes into every namespace with the mesh's root certificate; it outlives istiod.</summary>
    public const string CaRootCertConfigMap = "istio-ca-root-cert";

    /// <summary>The webhook and admission-policy kinds where Istio leaves things behind (revision tags, validators).</summary>
    public static readonly string[] AdmissionKinds =
        ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"];

    /// <summary>
    /// Whether a webhook or admission policy is Istio's by its name: the injectors (<c>istio-sidecar-injector*</c>), revision
    /// tags (<c>istio-revision-tag-*</c>), validators (<c>istio-validator-*</c>, <c>istiod-default-validator</c>) and the
    /// base chart's ValidatingAdmissionPolicy and its binding (<c>*.istio.io</c>).
    /// </summary>
    public static bool IsIstioAdmissionName(string name) =>
        name.StartsWith("istio-sidecar-injector", StringComparison.Ordinal)
        || name.StartsWith("istio-revision-tag-", StringComparison.Ordinal)
        || name.StartsWith("istio-validator-", StringComparison.Ordinal)
        || name.StartsWith("istiod-", StringComparison.Ordinal)
        || name.EndsWith(".istio.io", StringComparison.Ordinal);

    /// <summary>istiod's name, with the revision's suffix when one is set.</summary>
    public static string Istiod(string? revision) => revision is null ? "istiod" : $"istiod-{revision}";

    /// <summary>The sidecar injector's MutatingWebhookConfiguration, with the revision's suffix when one is set.</summary>
    public static string SidecarInjector(string? revision) => revision is null ? "istio-sidecar-injector" : $"istio-sidecar-injector-{revision}";

    /// <summary>
    /// The labels that opt a pod into injection in a namespace without the injection label: the default
    /// revision's object selector, or the revision's.
    /// </summary>
    public static Dictionary<string, string> InjectionPodLabels(string? revision) =>
        revision is null ? new() { ["sidecar.istio.io/inject"] = "true" } : new() { [RevisionLabel] = revision };

    /// <summary>The namespace labels that turn injection on for every pod in it.</summary>
    public static Dictionary<string, string> InjectionNamespaceLabels(string? revision) =>
        revision is null ? new() { ["istio-injection"] = "enabled" } : new() { [RevisionLabel] = revision };
}
