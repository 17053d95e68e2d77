using System.Text.Json.Nodes;

namespace Mesh.Build.Istio;

/// <summary>Whether a pod carries Istio's proxy: as a container, or as a native sidecar (an init container that keeps running).</summary>
public static class Sidecars
{
    public const string ProxyContainer = "istio-proxy";

    public static bool HasProxy(JsonNode? pod) =>
        new[] { "containers", "initContainers" }
            .SelectMany(field => pod?["spec"]?[field] as JsonArray ?? [])
            .Any(container => (string?)container?["name"] == ProxyContainer);
}
