using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// How far what is there is from what we want. Objects in a cluster carry more than we wrote (status,
/// defaults, other managers' fields), so "already right" means every field we want is there with our value.
/// </summary>
public static class JsonDrift
{
    /// <summary>The paths of the fields in <paramref name="desired"/> that <paramref name="live"/> lacks or holds differently.</summary>
    public static IReadOnlyList<string> Missing(JsonNode? live, JsonNode? desired)
    {
        var differences = new List<string>();
        Compare(live, desired, "", differences, subset: true);
        return differences;
    }

    /// <summary>The paths where two documents differ, both ways (chart values: what helm stored against what we pass).</summary>
    public static IReadOnlyList<string> Differences(JsonNode? actual, JsonNode? expected)
    {
        var differences = new List<string>();
        Compare(actual, expected, "", differences, subset: false);
        return differences;
    }

    private static void Compare(JsonNode? live, JsonNode? desired, string path, List<string> differences, bool subset)
    {
        switch (desired)
        {
            case JsonObject wanted when live is JsonObject have:
                foreach (var (key, value) in wanted)
                {
                    Compare(have[key], value, $"{path}.{key}", differences, subset);
                }

                if (!subset)
                {
                    differences.AddRange(have.Where(entry => !wanted.ContainsKey(entry.Key)).Select(entry => $"{path}.{entry.Key}"));
                }

                break;
            case JsonArray wanted when live is JsonArray have && have.Count == wanted.Count:
                for (var i = 0; i < wanted.Count; i++)
                {
                    Compare(have[i], wanted[i], $"{path}[{i}]", differences, subset);
                }

                break;
            case JsonValue wanted when live is JsonValue have && SameValue(have, wanted):
                break;
            case null when live is null:
                break;
            default:
                differences.Add(path.Length == 0 ? "." : path);
                break;
        }
    }

    // Numbers compare by value (helm prints 100 where we wrote 100.0); Kubernetes stores int-or-string fields as
    // given, so a number and its text are not the same value.
    private static bool SameValue(JsonValue live, JsonValue desired) =>
        (live.GetValueKind(), desired.GetValueKind()) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) =>
                decimal.Parse(live.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) ==
                decimal.Parse(desired.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            var (a, b) when a == b => live.ToJsonString() == desired.ToJsonString(),
            _ => false,
        };
}
