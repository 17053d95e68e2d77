using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// A <c>metav1.LabelSelector</c> as JSON (<c>matchLabels</c> and <c>matchExpressions</c> with In, NotIn,
/// Exists, DoesNotExist) tested against labels, for webhooks' selectors, PeerAuthentications and the
/// controllers. A missing or empty selector matches everything, as for webhooks' namespaceSelector and objectSelector.
/// </summary>
public static class SelectorMatch
{
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return true;
        }

        if (s["matchLabels"] is JsonObject matchLabels
            && matchLabels.Any(l => !labels.TryGetValue(l.Key, out var v) || v != l.Value?.ToString()))
        {
            return false;
        }

        foreach (var expression in (s["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"] ?? "";
            var values = (expression["values"] as JsonArray ?? []).Select(v => v?.ToString()).ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var value);
            var ok = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw ApiError.BadRequest($"unknown label selector operator \"{other}\""),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
