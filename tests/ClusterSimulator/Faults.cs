using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>What a fault does to a matching request.</summary>
public enum FaultKind
{
    /// <summary>Answer with a <c>Status</c> of <see cref="FaultRule.StatusCode"/> (and Retry-After when given).</summary>
    Status,

    /// <summary>Wait <see cref="FaultRule.Latency"/>, then serve the request normally.</summary>
    Latency,

    /// <summary>Drop the connection without an answer.</summary>
    Abort,
}

/// <summary>
/// A fault for reliability tests: which requests (verb, path prefix or regex), what happens to them, and
/// how often: the next <see cref="Times"/> matching requests, or a seeded <see cref="Fraction"/> of them.
/// </summary>
public sealed record FaultRule
{
    /// <summary>HTTP verb to match (GET, POST, ...); null for any.</summary>
    public string? Verb { get; init; }

    public string? PathPrefix { get; init; }

    public string? PathRegex { get; init; }

    /// <summary>Match only requests whose User-Agent starts with this (e.g. one client's <c>name/version</c>); null for any.</summary>
    public string? UserAgentPrefix { get; init; }

    public FaultKind Kind { get; init; } = FaultKind.Status;

    public int StatusCode { get; init; } = 500;

    public int? RetryAfterSeconds { get; init; }

    public TimeSpan Latency { get; init; }

    /// <summary>Fault only the next N matching requests; null for no limit.</summary>
    public int? Times { get; init; }

    /// <summary>Fault this share (0..1) of matching requests, drawn from a generator seeded with <see cref="Seed"/>.</summary>
    public double? Fraction { get; init; }

    public int Seed { get; init; }

    public static FaultRule Status(int code, string? pathPrefix = null, string? verb = null, int? times = null, int? retryAfterSeconds = null) =>
        new() { Kind = FaultKind.Status, StatusCode = code, PathPrefix = pathPrefix, Verb = verb, Times = times, RetryAfterSeconds = retryAfterSeconds };

    public static FaultRule Delay(TimeSpan latency, string? pathPrefix = null, string? verb = null, int? times = null) =>
        new() { Kind = FaultKind.Latency, Latency = latency, PathPrefix = pathPrefix, Verb = verb, Times = times };

    public static FaultRule Drop(string? pathPrefix = null, string? verb = null, int? times = null) =>
        new() { Kind = FaultKind.Abort, PathPrefix = pathPrefix, Verb = verb, Times = times };

    /// <summary>
    /// Reads a rule from JSON: <c>{"verb","pathPrefix","pathRegex","userAgentPrefix","status","retryAfterSeconds","latencyMs",
    /// "abort","times","fraction","seed"}</c>; exactly one of status, latencyMs and abort.
    /// </summary>
    public static FaultRule FromJson(JsonObject json)
    {
        var kinds = new[] { json["status"] is not null, json["latencyMs"] is not null, json["abort"] is JsonValue a && a.GetValue<bool>() };
        if (kinds.Count(k => k) != 1)
        {
            throw ApiError.BadRequest("a fault needs exactly one of \"status\", \"latencyMs\" and \"abort\": true");
        }

        var rule = new FaultRule
        {
            Verb = (string?)json["verb"],
            PathPrefix = (string?)json["pathPrefix"],
            PathRegex = (string?)json["pathRegex"],
            UserAgentPrefix = (string?)json["userAgentPrefix"],
            Kind = kinds[0] ? FaultKind.Status : kinds[1] ? FaultKind.Latency : FaultKind.Abort,
            StatusCode = (int?)json["status"] ?? 500,
            RetryAfterSeconds = (int?)json["retryAfterSeconds"],
            Latency = TimeSpan.FromMilliseconds((double?)json["latencyMs"] ?? 0),
            Times = (int?)json["times"],
            Fraction = (double?)json["fraction"],
            Seed = (int?)json["seed"] ?? 0,
        };
        if (rule.Kind == FaultKind.Status && Reason(rule.StatusCode) is null)
        {
            throw ApiError.BadRequest($"fault status {rule.StatusCode} is not one of 429, 500, 503");
        }

        return rule;
    }

    /// <summary>The Status reason the real server gives for a faulted code, or null when not supported.</summary>
    public static string? Reason(int code) => code switch
    {
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        _ => null,
    };

    public ApiError ToError() => new(StatusCode, Reason(StatusCode) ?? "InternalError", StatusCode switch
    {
        429 => "Too many requests, please try again later. (injected by the simulator)",
        503 => "the server is currently unable to handle the request (injected by the simulator)",
        _ => "Internal error occurred: injected by the simulator",
    });

    public string Describe() => Kind switch
    {
        FaultKind.Status => StatusCode.ToString(CultureInfo.InvariantCulture),
        FaultKind.Latency => $"latency {Latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        _ => "abort",
    };
}

/// <summary>The fault rules in force; the first rule that matches a request and fires decides.</summary>
public sealed class Faults
{
    private readonly Lock _gate = new();
    private readonly List<Active> _rules = [];

    public void Add(FaultRule rule)
    {
        if (rule.Fraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), "Fraction must be between 0 and 1.");
        }

        var regex = rule.PathRegex is null ? null : new Regex(rule.PathRegex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        lock (_gate)
        {
            _rules.Add(new Active(rule, regex, new Random(rule.Seed)));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>The fault to apply to this request, if any; counts it against its rule.</summary>
    public FaultRule? Next(string verb, string path, string? userAgent = null)
    {
        lock (_gate)
        {
            foreach (var active in _rules)
            {
                var rule = active.Rule;
                var matches = (rule.Verb is null || string.Equals(rule.Verb, verb, StringComparison.OrdinalIgnoreCase))
                    && (rule.PathPrefix is null || path.StartsWith(rule.PathPrefix, StringComparison.Ordinal))
                    && (active.Regex is null || active.Regex.IsMatch(path))
                    && (rule.UserAgentPrefix is null || (userAgent ?? string.Empty).StartsWith(rule.UserAgentPrefix, StringComparison.Ordinal));
                if (!matches || active.Left == 0)
                {
                    continue;
                }

                if (rule.Fraction is { } fraction && active.Random.NextDouble() >= fraction)
                {
                    continue;
                }

                active.Left--;
                return rule;
            }

            return null;
        }
    }

    private sealed class Active(FaultRule rule, Regex? regex, Random random)
    {
        public FaultRule Rule { get; } = rule;

        public Regex? Regex { get; } = regex;

        public Random Random { get; } = random;

        public int Left { get; set; } = rule.Times ?? -1;
    }
}
