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

    /// <summary>The istiod revision whose injector gave the pod its proxy (injection annotates the pod <c>istio.io/rev</c>); null for a pod without one.</summary>
    public static string? RevisionOf(JsonNode? pod) =>
        HasProxy(pod) ? (string?)pod?["metadata"]?["annotations"]?[MeshLayout.RevisionLabel] : null;
}
