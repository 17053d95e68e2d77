using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>A parsed <c>labelSelector</c>: equality (<c>a=b</c>, <c>a!=b</c>) and set-based requirements.</summary>
public sealed partial class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }

        foreach (var raw in SplitTerms(text))
        {
            var term = raw.Trim();
            Match set;
            if (term.Length == 0)
            {
                throw ApiError.BadRequest($"unable to parse requirement: empty term in \"{text}\"");
            }
            else if ((set = SetTerm().Match(term)).Success)
            {
                var key = set.Groups["key"].Value;
                var values = set.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
                var inSet = set.Groups["op"].Value == "in";
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) ? values.Contains(v) == inSet : !inSet);
            }
            else if (term.StartsWith('!'))
            {
                var key = CheckKey(term[1..].Trim(), text);
                selector._requirements.Add(labels => !labels.ContainsKey(key));
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "!=", text);
                selector._requirements.Add(labels => !labels.TryGetValue(key, out var v) || v != value);
            }
            else if (term.Contains('='))
            {
                var (key, value) = Split(term, term.Contains("==", StringComparison.Ordinal) ? "==" : "=", text);
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) && v == value);
            }
            else
            {
                var key = CheckKey(term, text);
                selector._requirements.Add(labels => labels.ContainsKey(key));
            }
        }

        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    // Commas separate requirements, except inside the parentheses of a set.
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static (string Key, string Value) Split(string term, string op, string text)
    {
        var at = term.IndexOf(op, StringComparison.Ordinal);
        return (CheckKey(term[..at].Trim(), text), term[(at + op.Length)..].Trim());
    }

    private static string CheckKey(string key, string text) =>
        LabelKey().IsMatch(key) ? key : throw ApiError.BadRequest($"unable to parse requirement: invalid label key \"{key}\" in \"{text}\"");

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9./_-]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetTerm();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9./_-]*[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();
}
