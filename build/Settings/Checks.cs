using System.Text.RegularExpressions;

namespace Mesh.Build.Settings;

/// <summary>
/// The value checks settings are built from. Each returns null for a good value, or a message that says
/// what is wrong and what a good value looks like. An empty value means "not set" and is accepted by the
/// checks of optional settings.
/// </summary>
public static partial class Checks
{
    public static Func<string, string?> Any => _ => null;

    /// <summary>A semantic version such as 1.31.1 (an optional leading v and pre-release are accepted).</summary>
    public static Func<string, string?> SemanticVersion(bool optional = false) => value =>
        (optional && value.Length == 0) || SemVer().IsMatch(value) ? null : $"'{value}' is not a semantic version such as 1.31.1.";

    /// <summary>A DNS subdomain (RFC 1123), e.g. example.com.</summary>
    public static Func<string, string?> DnsName(bool optional = false) => value =>
        (optional && value.Length == 0) || (value.Length <= 253 && DnsSubdomain().IsMatch(value))
            ? null
            : $"'{value}' is not a DNS name: use lower-case letters, digits, '-' and '.', such as mesh.example.com.";

    /// <summary>A DNS label (RFC 1123), which is what Kubernetes requires of namespace and Secret names.</summary>
    public static Func<string, string?> DnsLabel(bool optional = false) => value =>
        (optional && value.Length == 0) || (value.Length <= 63 && DnsLabelPattern().IsMatch(value))
            ? null
            : $"'{value}' is not a valid name: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit.";

    /// <summary>
    /// A revision tag: istiod's chart names a Service istiod-revision-tag-TAG after it, a DNS label, so at most 43
    /// characters; not <c>default</c>, which the chart turns into the default revision's webhooks as well.
    /// </summary>
    public static Func<string, string?> RevisionTag => value =>
        value == "default" ? "'default' is the tag of the revision-less webhooks, which this pipeline does not move; use another name, such as prod."
        : value.Length <= 43 && DnsLabelPattern().IsMatch(value) ? null
        : $"'{value}' is not a revision tag: at most 43 lower-case letters, digits and '-', starting and ending with a letter or digit (istiod's chart names a Service istiod-revision-tag-TAG).";

    public static Func<string, string?> OneOf(params string[] allowed) => value =>
        allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? null
            : $"'{value}' is not one of {string.Join(", ", allowed)}{Suggest(value, allowed)}.";

    /// <summary>A comma-separated list whose items are each one of <paramref name="allowed"/>; empty or "none" means no items.</summary>
    public static Func<string, string?> ListOf(params string[] allowed) => value =>
    {
        var unknown = SplitList(value).Where(item => !allowed.Contains(item, StringComparer.OrdinalIgnoreCase)).ToList();
        return unknown.Count == 0
            ? null
            : $"{string.Join(", ", unknown.Select(item => $"'{item}'"))} {(unknown.Count == 1 ? "is" : "are")} not known; use a comma-separated list of {string.Join(", ", allowed)}, or none{Suggest(unknown[0], allowed)}.";
    };

    public static Func<string, string?> Boolean => value =>
        bool.TryParse(value, out _) ? null : $"'{value}' is not true or false.";

    /// <summary>A duration such as 90s, 5m or 1h30m, as helm and kubectl write them.</summary>
    public static Func<string, string?> Duration => value =>
        TryParseDuration(value, out var duration) && duration > TimeSpan.Zero ? null : $"'{value}' is not a duration such as 90s, 5m or 1h30m.";

    public static Func<string, string?> Percentage => value =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 100
            ? null
            : $"'{value}' is not a percentage between 0 and 100.";

    /// <summary>A chart repository: an http(s) URL or an oci:// reference.</summary>
    public static Func<string, string?> ChartRepository => value =>
        value.Length == 0
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "oci" && uri.Host.Length > 0)
            ? null
            : $"'{value}' is not a chart repository: use an https:// URL or an oci:// reference (for a local directory of charts use --chart-dir).";

    public static Func<string, string?> ExistingFile(bool optional = false) => value =>
        (optional && value.Length == 0) || File.Exists(value) ? null : $"the file '{value}' does not exist.";

    /// <summary>Empty, or a registry host with an optional port and path: <c>registry.example:5000/mirror</c>.</summary>
    public static Func<string, string?> ImageRegistry => value =>
        value.Length == 0 || ImageRegistryPattern().IsMatch(value)
            ? null
            : $"'{value}' is not an image registry such as registry.example.com:5000/mirror (no scheme, no trailing slash).";

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(/[a-z0-9._-]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ImageRegistryPattern();

    /// <summary>Empty, or a file holding one YAML mapping: chart values.</summary>
    public static Func<string, string?> ValuesFile => value =>
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!File.Exists(value))
        {
            return $"the file '{value}' does not exist.";
        }

        try
        {
            return Manifests.ManifestTemplate.Parse(File.ReadAllText(value), value).Count == 1 ? null : $"'{value}' must hold one YAML mapping of chart values.";
        }
        catch (Manifests.ManifestException e)
        {
            return e.Message;
        }
    };

    public static Func<string, string?> ExistingDirectory(bool optional = false) => value =>
        (optional && value.Length == 0) || Directory.Exists(value) ? null : $"the directory '{value}' does not exist.";

    public static IReadOnlyList<string> SplitList(string value) =>
        value.Equals("none", StringComparison.OrdinalIgnoreCase)
            ? []
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool TryParseDuration(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = DurationPattern().Match(value);
        if (!match.Success || value.Length == 0)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var amount = int.Parse(part.Value[..^1], System.Globalization.CultureInfo.InvariantCulture);
            duration += part.Value[^1] switch
            {
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromSeconds(amount),
            };
        }

        return true;
    }

    /// <summary>", did you mean 'x'?" when a known word is close to what was typed, else empty.</summary>
    public static string Suggest(string typed, IEnumerable<string> known)
    {
        var best = known
            .Select(candidate => (candidate, distance: EditDistance(typed.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .OrderBy(pair => pair.distance)
            .FirstOrDefault();
        return best.candidate is not null && best.distance <= Math.Max(2, typed.Length / 3) ? $" (did you mean '{best.candidate}'?)" : string.Empty;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"^(?<part>\d+[hms])+$")]
    private static partial Regex DurationPattern();
}
