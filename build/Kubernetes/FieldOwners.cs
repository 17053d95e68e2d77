using System.Text.Json.Nodes;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// Who set a field of a live object, from its <c>metadata.managedFields</c> (the server's record of every field
/// manager and the fields it owns). That tells a controller's run-time edits (istiod's <c>failurePolicy</c> on
/// its webhooks, an autoscaler's <c>replicas</c>) from a person's hand edit, without a list of fields kept by hand.
/// </summary>
public static class FieldOwners
{
    /// <summary>The managers whose field set covers the field at <paramref name="segments"/> of <paramref name="live"/>.</summary>
    public static IReadOnlyList<string> Of(JsonObject live, IReadOnlyList<object> segments)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(segments);
        return [.. (live["metadata"]?["managedFields"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(entry => entry["fieldsV1"] is JsonObject fields && Covers(fields, live, segments, 0))
            .Select(entry => (string?)entry["manager"] ?? string.Empty)
            .Distinct()];
    }

    /// <summary>
    /// Whether a field that differs from the chart is a controller's to set: it is owned, and only by managers
    /// other than helm, this pipeline and kubectl (whose commands are how people edit objects by hand).
    /// </summary>
    public static bool IsRunTimeField(JsonObject live, IReadOnlyList<object> segments)
    {
        var owners = Of(live, segments);
        return owners.Count > 0 && owners.All(owner => !IsPersonOrChart(owner));
    }

    /// <summary>
    /// Whether a field the chart set to a zero value (<c>0</c>, <c>false</c>, <c>""</c>) is absent only because the
    /// server does not store zero values of that field (Go's omitempty): the chart's manager still owns it, as
    /// server-side apply records the applied field. A person who removed the field took that ownership away.
    /// </summary>
    public static bool IsDroppedZeroValue(JsonObject live, DriftedField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var zero = field.Desired is JsonValue value && value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.False => true,
            System.Text.Json.JsonValueKind.Number => value.ToJsonString() is "0" or "0.0",
            System.Text.Json.JsonValueKind.String => (string?)value == string.Empty,
            _ => false,
        };
        return zero && field.Live is null && Of(live, field.Segments).Any(owner => owner is "helm" or Cluster.FieldManager);
    }

    private static bool IsPersonOrChart(string manager) =>
        manager is "helm" or Cluster.FieldManager || manager.StartsWith("kubectl", StringComparison.Ordinal);

    private static bool Covers(JsonObject fields, JsonNode? live, IReadOnlyList<object> segments, int at)
    {
        if (at == segments.Count)
        {
            return true;
        }

        JsonObject? child;
        JsonNode? next;
        if (segments[at] is int index)
        {
            next = live is JsonArray list && index < list.Count ? list[index] : null;
            child = ElementEntry(fields, next, index);
        }
        else
        {
            var key = (string)segments[at];
            next = live?[key];
            child = fields[$"f:{key}"] as JsonObject;
        }

        // An empty set owns its field whole: a scalar, or a map or list the server treats as atomic.
        return child is not null && (child.Count == 0 || Covers(child, next, segments, at + 1));
    }

    // A list element is named by its keys (k:{"name":"x"}), by its value in a set (v:"x"), or by its position (i:0).
    private static JsonObject? ElementEntry(JsonObject fields, JsonNode? element, int index)
    {
        foreach (var (name, value) in fields)
        {
            var matches = name switch
            {
                _ when name.StartsWith("k:", StringComparison.Ordinal) => KeyMatches(name[2..], element),
                _ when name.StartsWith("v:", StringComparison.Ordinal) => element is not null && JsonNode.DeepEquals(JsonNode.Parse(name[2..]), element),
                _ when name.StartsWith("i:", StringComparison.Ordinal) => name[2..] == index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => false,
            };
            if (matches)
            {
                return value as JsonObject;
            }
        }

        return null;
    }

    private static bool KeyMatches(string keyJson, JsonNode? element) =>
        JsonNode.Parse(keyJson) is JsonObject keys && element is JsonObject item &&
        keys.All(key => JsonNode.DeepEquals(key.Value, item[key.Key]) || key.Value?.ToJsonString() == item[key.Key]?.ToJsonString());
}
