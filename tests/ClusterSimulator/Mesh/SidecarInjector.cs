using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The injector one istiod is, read from its pod: the proxy image it injects, its revision, whether it injects native sidecars.</summary>
public sealed record Injector(string ProxyImage, string Revision, bool NativeSidecars);

/// <summary>
/// Istio's sidecar injection, done as istiod's <c>/inject</c> endpoint answers it: the API server calls it
/// for the webhooks of a MutatingWebhookConfiguration that select a pod being created (see
/// <see cref="MutatingWebhooks"/>). Which pod is istiod is told from the pod itself: a container running
/// pilot-discovery (arguments beginning <c>discovery</c>, or the <c>pilot</c> image). It injects the proxy
/// of its own hub and tag (<c>HUB/pilot:TAG</c> injects <c>HUB/proxyv2:TAG</c>), names its revision (env
/// <c>REVISION</c>, else its <c>istio.io/rev</c> label, else <c>default</c>) in the status annotation and the
/// pod's <c>istio.io/rev</c> annotation, and
/// injects the proxy as a native sidecar when its env <c>ENABLE_NATIVE_SIDECARS</c> is <c>true</c> or the
/// pod's annotation <c>sidecar.istio.io/nativeSidecar</c> says so.
/// </summary>
public static class SidecarInjector
{
    public const string ProxyContainer = "istio-proxy";

    public const string InitContainer = "istio-init";

    public const string StatusAnnotation = "sidecar.istio.io/status";

    /// <summary>The pilot-discovery container of an istiod pod; null for any other pod.</summary>
    public static JsonObject? Discovery(JsonObject pod) =>
        (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c =>
            FirstWord(c) == "discovery" || Repository((string?)c["image"] ?? "").Split('/')[^1] == "pilot");

    /// <summary>What the istiod running in <paramref name="istiodPod"/> injects.</summary>
    public static Injector InjectorOf(JsonObject istiodPod)
    {
        var discovery = Discovery(istiodPod) ?? throw new ArgumentException("not an istiod pod", nameof(istiodPod));
        var image = (string?)discovery["image"] ?? "";
        var repository = Repository(image);
        var slash = repository.LastIndexOf('/');
        var hub = slash >= 0 ? repository[..slash] : "docker.io/istio";
        var tag = image.Length > repository.Length + 1 ? image[(repository.Length + 1)..] : "latest";
        var env = (discovery["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => e["name"] is not null && e["value"] is not null)
            .GroupBy(e => (string)e["name"]!)
            .ToDictionary(g => g.Key, g => g.Last()["value"]!.ToString(), StringComparer.Ordinal);
        var revision = env.GetValueOrDefault("REVISION") is { Length: > 0 } named ? named
            : (string?)istiodPod["metadata"]?["labels"]?["istio.io/rev"] ?? "default";
        return new Injector($"{hub}/proxyv2:{tag}", revision, env.GetValueOrDefault("ENABLE_NATIVE_SIDECARS") == "true");
    }

    // An image without its tag or digest.
    private static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    private static string? FirstWord(JsonObject container) =>
        (string?)(container["args"] as JsonArray)?.FirstOrDefault() ?? (string?)(container["command"] as JsonArray)?.FirstOrDefault();

    /// <summary>True when the pod carries a proxy: an <c>istio-proxy</c> container (or native sidecar).</summary>
    public static bool HasSidecar(JsonObject pod) =>
        Containers(pod, "containers").Concat(Containers(pod, "initContainers"))
            .Any(c => (string?)c["name"] == ProxyContainer);

    /// <summary>The image of the pod's <c>istio-proxy</c> (container or native sidecar); null for a pod without one.</summary>
    public static string? ProxyImageOf(JsonObject pod) =>
        (string?)Containers(pod, "containers").Concat(Containers(pod, "initContainers")).FirstOrDefault(c => (string?)c["name"] == ProxyContainer)?["image"];

    /// <summary>Mutates <paramref name="pod"/> as <paramref name="injector"/>'s istiod does.</summary>
    public static void Inject(JsonObject pod, Injector injector)
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
        var image = injector.ProxyImage;
        var containers = spec["containers"] as JsonArray ?? [];
        spec["containers"] = containers;
        var gateway = (string?)annotations["inject.istio.io/templates"] == "gateway";
        var native = (string?)annotations["sidecar.istio.io/nativeSidecar"] is { } asked ? asked == "true" : injector.NativeSidecars;
        var initContainers = new List<string>();
        var injectedContainers = new List<string>();

        // A pod that brings its own istio-proxy (the gateway chart's "image: auto") keeps it, merged with the
        // template's: the image filled in, and for the gateway template the proxy running as a router.
        if (containers.OfType<JsonObject>().FirstOrDefault(c => (string?)c["name"] == ProxyContainer) is { } own)
        {
            if ((string?)own["image"] is null or "" or "auto")
            {
                own["image"] = image;
            }

            own["args"] ??= Arguments(gateway ? "router" : "sidecar");
            own["ports"] ??= Proxy(image, "router")["ports"]!.DeepClone();
            injectedContainers.Add(ProxyContainer);
        }
        else if (gateway)
        {
            containers.Add(Proxy(image, "router"));
            injectedContainers.Add(ProxyContainer);
        }

        if (!gateway)
        {
            var inits = spec["initContainers"] as JsonArray ?? [];
            spec["initContainers"] = inits;
            inits.Insert(0, Init(image));
            initContainers.Add(InitContainer);
            if (!containers.OfType<JsonObject>().Any(c => (string?)c["name"] == ProxyContainer))
            {
                var proxy = Proxy(image, "sidecar");
                if (native)
                {
                    // A native sidecar: an init container that keeps running, started right after istio-init.
                    proxy["restartPolicy"] = "Always";
                    inits.Insert(1, proxy);
                    initContainers.Add(ProxyContainer);
                }
                else
                {
                    containers.Add(proxy);
                    injectedContainers.Add(ProxyContainer);
                }
            }
        }

        var labels = metadata["labels"] as JsonObject ?? [];
        metadata["labels"] = labels;
        var workload = Workloads.NameOf(pod);
        labels["security.istio.io/tlsMode"] = "istio";
        labels["service.istio.io/canonical-name"] = (string?)labels["app.kubernetes.io/name"] ?? (string?)labels["app"] ?? workload;
        labels["service.istio.io/canonical-revision"] = (string?)labels["app.kubernetes.io/version"] ?? (string?)labels["version"] ?? "latest";
        // Both of istiod's injection templates annotate the pod with the revision that injected it.
        annotations["istio.io/rev"] = injector.Revision;
        annotations["kubectl.kubernetes.io/default-container"] = (string?)containers[0]?["name"] ?? ProxyContainer;
        annotations["prometheus.io/scrape"] = "true";
        annotations["prometheus.io/port"] = "15020";
        annotations["prometheus.io/path"] = "/stats/prometheus";
        annotations[StatusAnnotation] = new JsonObject
        {
            ["initContainers"] = new JsonArray([.. initContainers.Select(n => (JsonNode)n)]),
            ["containers"] = new JsonArray([.. injectedContainers.Select(n => (JsonNode)n)]),
            ["volumes"] = new JsonArray(),
            ["imagePullSecrets"] = null,
            ["revision"] = injector.Revision,
        }.ToJsonString();
    }

    // The proxy's role: "sidecar" beside an application, "router" as a gateway.
    private static JsonArray Arguments(string role) => new("proxy", role, "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning");

    private static JsonObject Proxy(string image, string role) => new()
    {
        ["name"] = ProxyContainer,
        ["image"] = image,
        ["args"] = Arguments(role),
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
