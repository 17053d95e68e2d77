using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The mutual TLS mode a workload's sidecar accepts on a port.</summary>
public enum MtlsMode
{
    Permissive,
    Strict,
    Disable,
}

/// <summary>
/// Istio's effective PeerAuthentication for one workload port. Three levels, nearest wins: a policy in the
/// workload's namespace whose selector matches its labels, then the namespace's policy without a selector,
/// then the mesh-wide one (no selector, in the root namespace). At each level the oldest policy counts when
/// several exist. A mode of UNSET (or none) inherits from the level above; with nothing set it is
/// PERMISSIVE. On the workload policy, <c>portLevelMtls</c> for the port overrides its mode for that port.
/// </summary>
public static class MtlsPolicy
{
    public const string RootNamespace = "istio-system";

    public static MtlsMode Resolve(
        IEnumerable<JsonObject> peerAuthentications,
        string ns,
        IReadOnlyDictionary<string, string> podLabels,
        int port,
        string rootNamespace = RootNamespace)
    {
        var policies = peerAuthentications.OrderBy(Created).ThenBy(p => (string?)p["metadata"]?["name"], StringComparer.Ordinal).ToList();
        static bool HasSelector(JsonObject p) => p["spec"]?["selector"] is JsonObject { Count: > 0 };
        static string? Namespace(JsonObject p) => (string?)p["metadata"]?["namespace"];

        var mesh = policies.FirstOrDefault(p => Namespace(p) == rootNamespace && !HasSelector(p));
        var namespaceWide = policies.FirstOrDefault(p => Namespace(p) == ns && !HasSelector(p));
        var workload = policies.FirstOrDefault(p => Namespace(p) == ns && HasSelector(p)
            && SelectorMatch.Matches(p["spec"]!["selector"], podLabels));

        var mode = MtlsMode.Permissive;
        foreach (var level in new[] { mesh, namespaceWide, workload })
        {
            mode = ModeOf(level?["spec"]?["mtls"]) ?? mode;
        }

        var portLevel = workload?["spec"]?["portLevelMtls"]?[port.ToString(CultureInfo.InvariantCulture)];
        return ModeOf(portLevel) ?? mode;
    }

    private static MtlsMode? ModeOf(JsonNode? mtls) => (string?)mtls?["mode"] switch
    {
        "STRICT" => MtlsMode.Strict,
        "PERMISSIVE" => MtlsMode.Permissive,
        "DISABLE" => MtlsMode.Disable,
        _ => null,
    };

    private static string Created(JsonObject p) => (string?)p["metadata"]?["creationTimestamp"] ?? "";
}
