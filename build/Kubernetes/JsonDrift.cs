using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// How far what is there is from what we want. Objects in a cluster carry more than we wrote (status,
/// defaults, other managers' fields), so "already right" means every field we want is there with our value.
/// </summary>
public static partial class JsonDrift
{
    /// <summary>The paths of the fields in <paramref name="desired"/> that <paramref name="live"/> lacks or holds differently.</summary>
    public static IReadOnlyList<string> Missing(JsonNode? live, JsonNode? desired) => [.. MissingFields(live, desired).Select(field => field.Path)];

    /// <summary>As <see cref="Missing"/>, with each field's place in the live object and both values.</summary>
    public static IReadOnlyList<DriftedField> MissingFields(JsonNode? live, JsonNode? desired)
    {
        var differences = new List<DriftedField>();
        Compare(live, desired, [], differences, subset: true);
        return differences;
    }

    /// <summary>The paths where two documents differ, both ways (chart values: what helm stored against what we pass).</summary>
    public static IReadOnlyList<string> Differences(JsonNode? actual, JsonNode? expected)
    {
        var differences = new List<DriftedField>();
        Compare(actual, expected, [], differences, subset: false);
        return [.. differences.Select(field => field.Path)];
    }

    private static void Compare(JsonNode? live, JsonNode? desired, List<object> path, List<DriftedField> differences, bool subset)
    {
        switch (desired)
        {
            case JsonObject wanted when live is JsonObject have:
                foreach (var (key, value) in wanted)
                {
                    // An empty map or list, or a null, is what an absent field reads as: the server drops them.
                    if (subset && IsEmpty(value) && (!have.ContainsKey(key) || IsEmpty(have[key])))
                    {
                        continue;
                    }

                    // A null wants no value: server-side apply takes it as the field left out, so whatever is there
                    // is someone else's (a chart's `annotations:` rendered empty, with helm's own annotations live).
                    if (subset && value is null)
                    {
                        continue;
                    }

                    Compare(have[key], value, [.. path, key], differences, subset);
                }

                if (!subset)
                {
                    differences.AddRange(have.Where(entry => !wanted.ContainsKey(entry.Key)).Select(entry => new DriftedField([.. path, entry.Key], entry.Value, null)));
                }

                break;
            case JsonArray wanted when live is JsonArray have && have.Count == wanted.Count:
                for (var i = 0; i < wanted.Count; i++)
                {
                    Compare(have[i], wanted[i], [.. path, i], differences, subset);
                }

                break;
            case JsonValue wanted when live is JsonValue have && SameValue(have, wanted):
                break;
            case JsonValue wanted when subset && live is JsonValue have && IsCanonicalQuantityOf(have, wanted):
                break;
            case null when live is null:
                break;
            default:
                differences.Add(new DriftedField(path, live, desired));
                break;
        }
    }

    // The API server stores a quantity (resources, storage sizes) in its canonical form: a chart's "2000m" is
    // read back as "2", 1024Mi as "1Gi", the number 1 as "1". Live text that is exactly the canonical form of the
    // quantity we wrote is what we wrote; anything else (a different amount, or another spelling) is not.
    private static bool IsCanonicalQuantityOf(JsonValue live, JsonValue desired)
    {
        if (live.GetValueKind() != JsonValueKind.String || desired.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return false;
        }

        var written = desired.GetValueKind() == JsonValueKind.Number ? desired.ToJsonString() : desired.GetValue<string>();
        if (!Quantity().IsMatch(written) || written.StartsWith('-'))
        {
            return false;
        }

        try
        {
            return new ResourceQuantity(written).CanonicalizeString() == live.GetValue<string>();
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // resource.Quantity's grammar, as the API server's decoder states it.
    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex Quantity();

    private static bool IsEmpty(JsonNode? node) => node is null or JsonObject { Count: 0 } or JsonArray { Count: 0 };

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

/// <summary>
/// A field that is not as wanted: where it is (object keys and list indices, as in the live object), what the
/// cluster holds and what we want.
/// </summary>
public sealed record DriftedField(IReadOnlyList<object> Segments, JsonNode? Live, JsonNode? Desired)
{
    /// <summary><c>.spec.template.spec.containers[0].image</c>; <c>.</c> for the whole document.</summary>
    public string Path => Segments.Count == 0
        ? "."
        : string.Concat(Segments.Select(segment => segment is int index ? $"[{index}]" : $".{segment}"));

    /// <summary><c>.spec.replicas 0 -> 1</c>, values shortened; without values where they must not be shown (a Secret's data).</summary>
    public string Describe(bool showValues) =>
        showValues ? $"{Path} {Show(Live)} -> {Show(Desired)}" : Path;

    private static string Show(JsonNode? node)
    {
        var text = node is null ? "(none)" : node.ToJsonString();
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
