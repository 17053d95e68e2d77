using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.Build.Istio;

/// <summary>
/// The parts of one PeerAuthentication, as <c>kubectl get -o json</c> returns it, that decide mTLS.
/// Fields the schema lets users omit (spec, mtls, mode, selector, creationTimestamp) take Istio's defaults;
/// a shape the API server would have rejected makes the whole policy unreadable, with a reason.
/// </summary>
internal sealed record PeerAuthenticationPolicy(
    string Namespace,
    string Name,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> MatchLabels,
    string? Mode,
    IReadOnlyDictionary<int, string?> PortLevelModes)
{
    /// <summary>The modes Istio accepts; UNSET (or no mode) is kept as <c>null</c> so it can inherit.</summary>
    private static readonly string[] KnownModes = ["STRICT", "PERMISSIVE", "DISABLE"];

    public string Id => $"{Namespace}/{Name}";

    // Istio treats a selector without labels like no selector: the policy is mesh- or namespace-wide.
    public bool HasSelector => MatchLabels.Count > 0;

    public bool Selects(IReadOnlyDictionary<string, string> workloadLabels) =>
        MatchLabels.All(label => workloadLabels.TryGetValue(label.Key, out var value) && value == label.Value);

    /// <summary>Namespace and name, or null when the item has neither (it cannot be placed anywhere).</summary>
    public static (string Namespace, string Name)? ReadIdentity(JsonNode? item)
    {
        var metadata = Member(item, "metadata");
        return Text(metadata, "namespace") is { Length: > 0 } ns && Text(metadata, "name") is { Length: > 0 } name
            ? (ns, name)
            : null;
    }

    /// <summary>Reads an item whose identity is known; returns null and a reason when Istio could not have loaded it.</summary>
    public static PeerAuthenticationPolicy? Read(JsonNode? item, string ns, string name, out string? problem)
    {
        var id = $"{ns}/{name}";
        problem = null;
        var created = DateTimeOffset.MinValue; // Go's zero time, which Istio sorts as the oldest
        if (Text(Member(item, "metadata"), "creationTimestamp") is { } stamp
            && !DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out created))
        {
            problem = $"{id}: creationTimestamp '{stamp}' is not a timestamp; skipped";
            return null;
        }

        var spec = Member(item, "spec");
        if (spec is not (null or JsonObject))
        {
            problem = $"{id}: spec is not an object; skipped";
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Member(Member(spec, "selector"), "matchLabels") is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (Text(value) is not { } text)
                {
                    problem = $"{id}: selector label '{key}' is not a string; skipped";
                    return null;
                }

                labels[key] = text;
            }
        }

        if (!TryReadMode(Member(spec, "mtls"), out var mode, out var modeProblem))
        {
            problem = $"{id}: {modeProblem}; skipped";
            return null;
        }

        var ports = new Dictionary<int, string?>();
        if (Member(spec, "portLevelMtls") is JsonObject portLevel)
        {
            foreach (var (key, value) in portLevel)
            {
                // Istio reads the keys as uint32 port numbers; a config with any other key fails to convert.
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    problem = $"{id}: portLevelMtls key '{key}' is not a port number; skipped";
                    return null;
                }

                if (!TryReadMode(value, out var portMode, out modeProblem))
                {
                    problem = $"{id}: port {port}: {modeProblem}; skipped";
                    return null;
                }

                ports[port] = portMode;
            }
        }

        return new PeerAuthenticationPolicy(ns, name, created, labels, mode, ports);
    }

    private static bool TryReadMode(JsonNode? mtls, out string? mode, out string? problem)
    {
        mode = null;
        problem = null;
        var node = Member(mtls, "mode");
        if (node is null)
        {
            return true;
        }

        var text = Text(node);
        if (text == "UNSET")
        {
            return true;
        }

        mode = KnownModes.FirstOrDefault(known => known == text);
        if (mode is null)
        {
            problem = $"mtls mode {node.ToJsonString()} is not one of UNSET, {string.Join(", ", KnownModes)}";
            return false;
        }

        return true;
    }

    private static JsonNode? Member(JsonNode? node, string key) => node is JsonObject obj ? obj[key] : null;

    private static string? Text(JsonNode? node, string key) => Text(Member(node, key));

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
