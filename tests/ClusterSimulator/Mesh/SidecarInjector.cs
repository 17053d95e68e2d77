using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Istio's sidecar injection, done where its mutating webhook would run: when a Pod is created. Only a
/// MutatingWebhookConfiguration with a webhook whose name ends in <c>sidecar-injector.istio.io</c> turns it
/// on; its webhooks' namespaceSelector and objectSelector decide, against the namespace's and the pod's
/// labels, exactly as the API server decides whether to call the webhook. The proxy version is the image
/// tag of the Deployment the webhook's clientConfig.service names (istiod), else <c>latest</c>.
/// </summary>
public static class SidecarInjector
{
    public const string ProxyContainer = "istio-proxy";

    public const string InitContainer = "istio-init";

    public const string StatusAnnotation = "sidecar.istio.io/status";

    private const string WebhookSuffix = "sidecar-injector.istio.io";

    /// <summary>The injecting configuration whose webhooks select this pod, if any.</summary>
    public static JsonObject? Selecting(IEnumerable<JsonObject> webhookConfigurations, IReadOnlyDictionary<string, string> namespaceLabels, IReadOnlyDictionary<string, string> podLabels) =>
        webhookConfigurations.FirstOrDefault(configuration =>
            (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>().Any(webhook =>
                ((string?)webhook["name"] ?? "").EndsWith(WebhookSuffix, StringComparison.Ordinal)
                && SelectorMatch.Matches(webhook["namespaceSelector"], namespaceLabels)
                && SelectorMatch.Matches(webhook["objectSelector"], podLabels)));

    /// <summary>The istiod service a configuration calls: (namespace, name) from its first injection webhook.</summary>
    public static (string Namespace, string Name)? Injector(JsonObject configuration) =>
        (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(w => w["clientConfig"]?["service"])
            .Where(s => s is not null)
            .Select(s => ((string?)s!["namespace"] ?? "", (string?)s["name"] ?? ""))
            .Cast<(string, string)?>()
            .FirstOrDefault();

    /// <summary>The image tag of a Deployment's first container, or <c>latest</c>.</summary>
    public static string VersionOf(JsonObject? deployment)
    {
        var image = (string?)deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"] ?? "";
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') && colon >= 0 ? image[(colon + 1)..] : "latest";
    }

    /// <summary>True when the pod carries a proxy: an <c>istio-proxy</c> container (or native sidecar).</summary>
    public static bool HasSidecar(JsonObject pod) =>
        Containers(pod, "containers").Concat(Containers(pod, "initContainers"))
            .Any(c => (string?)c["name"] == ProxyContainer);

    /// <summary>Mutates <paramref name="pod"/> as Istio's injector does, with the proxy image of <paramref name="version"/>.</summary>
    public static void Inject(JsonObject pod, string version, string revision)
    {
        var metadata = pod["metadata"] as JsonObject ?? [];
        pod["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        if (annotations.ContainsKey(StatusAnnotation) || pod["spec"]?["hostNetwork"]?.ToString() is "true" or "True")
        {
            return;
        }

        var spec = pod["spec"] as JsonObject ?? [];
        pod["spec"] = spec;
        var image = $"docker.io/istio/proxyv2:{version}";
        var containers = spec["containers"] as JsonArray ?? [];
        spec["containers"] = containers;
        var gateway = (string?)annotations["inject.istio.io/templates"] == "gateway";
        var initContainers = new List<string>();

        // A pod that brings its own istio-proxy (the gateway chart's "image: auto") keeps it, with the image filled in.
        if (containers.OfType<JsonObject>().FirstOrDefault(c => (string?)c["name"] == ProxyContainer) is { } own)
        {
            if ((string?)own["image"] is null or "" or "auto")
            {
                own["image"] = image;
            }
        }
        else
        {
            containers.Add(Proxy(image));
        }

        if (!gateway)
        {
            var inits = spec["initContainers"] as JsonArray ?? [];
            spec["initContainers"] = inits;
            inits.Insert(0, Init(image));
            initContainers.Add(InitContainer);
        }

        var labels = metadata["labels"] as JsonObject ?? [];
        metadata["labels"] = labels;
        var workload = Workloads.NameOf(pod);
        labels["security.istio.io/tlsMode"] = "istio";
        labels["service.istio.io/canonical-name"] = (string?)labels["app.kubernetes.io/name"] ?? (string?)labels["app"] ?? workload;
        labels["service.istio.io/canonical-revision"] = (string?)labels["app.kubernetes.io/version"] ?? (string?)labels["version"] ?? "latest";
        annotations["kubectl.kubernetes.io/default-container"] = (string?)containers[0]?["name"] ?? ProxyContainer;
        annotations["prometheus.io/scrape"] = "true";
        annotations["prometheus.io/port"] = "15020";
        annotations["prometheus.io/path"] = "/stats/prometheus";
        annotations[StatusAnnotation] = new JsonObject
        {
            ["initContainers"] = new JsonArray([.. initContainers.Select(n => (JsonNode)n)]),
            ["containers"] = new JsonArray(ProxyContainer),
            ["volumes"] = new JsonArray(),
            ["imagePullSecrets"] = null,
            ["revision"] = revision,
        }.ToJsonString();
    }

    private static JsonObject Proxy(string image) => new()
    {
        ["name"] = ProxyContainer,
        ["image"] = image,
        ["args"] = new JsonArray("proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning"),
        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 15090, ["name"] = "http-envoy-prom", ["protocol"] = "TCP" }),
        ["readinessProbe"] = new JsonObject
        {
            ["httpGet"] = new JsonObject { ["path"] = "/healthz/ready", ["port"] = 15021 },
            ["initialDelaySeconds"] = 0,
            ["periodSeconds"] = 15,
            ["failureThreshold"] = 4,
        },
        ["securityContext"] = new JsonObject { ["runAsUser"] = 1337, ["runAsGroup"] = 1337, ["runAsNonRoot"] = true },
    };

    private static JsonObject Init(string image) => new()
    {
        ["name"] = InitContainer,
        ["image"] = image,
        ["args"] = new JsonArray("istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020"),
        ["securityContext"] = new JsonObject
        {
            ["capabilities"] = new JsonObject { ["add"] = new JsonArray("NET_ADMIN", "NET_RAW"), ["drop"] = new JsonArray("ALL") },
            ["runAsUser"] = 0,
            ["runAsNonRoot"] = false,
        },
    };

    private static IEnumerable<JsonObject> Containers(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray ?? []).OfType<JsonObject>();
}
