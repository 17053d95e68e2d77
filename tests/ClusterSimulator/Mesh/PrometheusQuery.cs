using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Prometheus's instant query API (<c>/api/v1/query?query=...</c>) for one metric,
/// <c>istio_requests_total</c>, optionally with a label filter (<c>{name="v",other!="w"}</c>; also
/// <c>=~</c>/<c>!~</c> as anchored regular expressions), optionally summed: <c>sum(...)</c> or
/// <c>sum by (label, ...) (...)</c>. Its series are the probe calls a destination
/// proxy reported, counted per label set, with <c>reporter="destination"</c> and
/// <c>connection_security_policy</c> <c>mutual_tls</c> when both ends had sidecars, else <c>none</c>. Any
/// other metric name gives an empty vector; anything that is not a metric selector is a bad_data error.
/// </summary>
public static partial class PrometheusQuery
{
    public const string RequestsTotal = "istio_requests_total";

    public static (int Code, string ContentType, string Body) Answer(IReadOnlyList<ProbeCall> calls, string query)
    {
        // sum(SELECTOR) and sum by (a, b) (SELECTOR): one series per distinct value of the by-labels.
        var sum = Sum().Match(query.Trim());
        string[]? by = null;
        if (sum.Success)
        {
            by = sum.Groups["by"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            query = sum.Groups["inner"].Value;
        }

        var parsed = Selector().Match(query.Trim());
        if (!parsed.Success)
        {
            return (400, "application/json", new JsonObject
            {
                ["status"] = "error",
                ["errorType"] = "bad_data",
                ["error"] = $"invalid parameter \"query\": the simulated Prometheus answers only a metric selector, not \"{query}\"",
            }.ToJsonString());
        }

        var filters = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (Match matcher in Matcher().Matches(parsed.Groups["filter"].Value))
        {
            var label = matcher.Groups["label"].Value;
            var value = Regex.Unescape(matcher.Groups["value"].Value);
            var op = matcher.Groups["op"].Value;
            filters.Add(labels =>
            {
                var actual = labels.GetValueOrDefault(label, "");
                return op switch
                {
                    "=" => actual == value,
                    "!=" => actual != value,
                    "=~" => Regex.IsMatch(actual, $"^(?:{value})$"),
                    _ => !Regex.IsMatch(actual, $"^(?:{value})$"),
                };
            });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var series = parsed.Groups["metric"].Value != RequestsTotal
            ? []
            : calls.Where(c => c.Reported)
                .Select(Labels)
                .Where(l => filters.All(f => f(l)))
                .Select(l => by is null ? l : new SortedDictionary<string, string>(l.Where(p => by.Contains(p.Key)).ToDictionary(), StringComparer.Ordinal))
                .GroupBy(l => string.Join(',', l.Select(p => $"{p.Key}={p.Value}")))
                .Select(g => (JsonNode)new JsonObject
                {
                    ["metric"] = new JsonObject([.. g.First().Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                    ["value"] = new JsonArray(now, g.Count().ToString(CultureInfo.InvariantCulture)),
                })
                .ToList();

        return (200, "application/json", new JsonObject
        {
            ["status"] = "success",
            ["data"] = new JsonObject { ["resultType"] = "vector", ["result"] = new JsonArray([.. series]) },
        }.ToJsonString());
    }

    private static SortedDictionary<string, string> Labels(ProbeCall call) => new(StringComparer.Ordinal)
    {
        ["__name__"] = RequestsTotal,
        ["reporter"] = "destination",
        ["source_workload"] = call.SourceWorkload,
        ["source_workload_namespace"] = call.SourceNamespace,
        ["destination_workload"] = call.DestinationWorkload ?? "unknown",
        ["destination_workload_namespace"] = call.DestinationNamespace,
        ["destination_service_name"] = call.DestinationService,
        ["destination_service_namespace"] = call.DestinationNamespace,
        ["response_code"] = call.ResponseCode.ToString(CultureInfo.InvariantCulture),
        ["connection_security_policy"] = call.MutualTls ? "mutual_tls" : "none",
    };

    [GeneratedRegex(@"^sum\s*(?:by\s*\((?<by>[^()]*)\)\s*)?\((?<inner>[^()]*)\)$")]
    private static partial Regex Sum();

    [GeneratedRegex(@"^(?<metric>[A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(?<filter>[^{}]*)\})?$")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Matcher();
}
