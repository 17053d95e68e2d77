using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// What a running istiod writes to its own webhook configurations, as field manager <c>pilot-discovery</c>
/// (the name the API server takes from its User-Agent) with plain updates: once an istiod pod is Ready, the
/// CA bundle of its webhooks whose names end in <c>sidecar-injector.istio.io</c> in every
/// MutatingWebhookConfiguration labelled <c>istio.io/rev</c> with its revision (revision tags included),
/// and, in its ValidatingWebhookConfiguration <c>istio-validator[-REVISION]-NAMESPACE</c> of that label,
/// the CA bundle and <c>failurePolicy: Fail</c> of every webhook (the chart installs it failing open,
/// Ignore, until the validation endpoint is known to answer). The CA is this istiod's self-signed root,
/// one per simulator. A chart re-applying those fields conflicts with pilot-discovery under server-side apply.
/// </summary>
public sealed partial class ControllerManager
{
    public const string IstiodFieldManager = "pilot-discovery";

    private const string InjectorWebhookSuffix = "sidecar-injector.istio.io";

    private string? _istiodCaBundle;

    private void IstiodWebhookEdits()
    {
        var istiods = All("Pod")
            .Where(p => !Deleting(p) && PodReady(p) && SidecarInjector.Discovery(p) is not null)
            .Select(p => (Ns: Ns(p), SidecarInjector.InjectorOf(p).Revision))
            .Distinct()
            .ToList();
        if (istiods.Count == 0)
        {
            return;
        }

        var caBundle = _istiodCaBundle ??= CreateCaBundle();
        foreach (var (ns, revision) in istiods)
        {
            foreach (var configuration in All("MutatingWebhookConfiguration").Where(c => Revision(c) == revision))
            {
                var changed = false;
                foreach (var webhook in Webhooks(configuration).Where(w => ((string?)w["name"] ?? "").EndsWith(InjectorWebhookSuffix, StringComparison.Ordinal)))
                {
                    changed |= Set(webhook, caBundle, null);
                }

                Update("MutatingWebhookConfiguration", configuration, changed);
            }

            var validator = revision == "default" ? $"istio-validator-{ns}" : $"istio-validator-{revision}-{ns}";
            foreach (var configuration in All("ValidatingWebhookConfiguration").Where(c => Name(c) == validator && Revision(c) == revision))
            {
                var changed = false;
                foreach (var webhook in Webhooks(configuration))
                {
                    changed |= Set(webhook, caBundle, "Fail");
                }

                Update("ValidatingWebhookConfiguration", configuration, changed);
            }
        }

        static string? Revision(JsonObject configuration) => (string?)configuration["metadata"]?["labels"]?["istio.io/rev"];

        static IEnumerable<JsonObject> Webhooks(JsonObject configuration) => (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>();
    }

    private static bool Set(JsonObject webhook, string caBundle, string? failurePolicy)
    {
        var clientConfig = webhook["clientConfig"] as JsonObject ?? [];
        webhook["clientConfig"] = clientConfig;
        var changed = (string?)clientConfig["caBundle"] != caBundle;
        clientConfig["caBundle"] = caBundle;
        if (failurePolicy is not null && (string?)webhook["failurePolicy"] != failurePolicy)
        {
            webhook["failurePolicy"] = failurePolicy;
            changed = true;
        }

        return changed;
    }

    private void Update(string kind, JsonObject configuration, bool changed)
    {
        if (!changed)
        {
            return;
        }

        ObjectStore.WriteAs(IstiodFieldManager);
        try
        {
            store.Replace(K(kind), null, Name(configuration), configuration);
        }
        finally
        {
            ObjectStore.WriteAs(FieldManager);
        }
    }

    private static string CreateCaBundle()
    {
        using var root = Certificates.CreateCertificateAuthority();
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(root.ExportCertificatePem()));
    }
}
