using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Build.Manifests;

/// <summary>
/// Our YAML files under <c>manifests/</c> with the settings filled in. A file is plain YAML in which a scalar
/// may hold <c>${name}</c> placeholders: a scalar that is exactly one placeholder takes the value's own type
/// (a number, a boolean, a list, an object), anything else is text with the values written in. So a reader
/// sees in the file exactly what goes to the cluster or to a chart, and no YAML is assembled in code.
/// </summary>
public static partial class ManifestTemplate
{
    /// <summary>Every document of the file, filled in, as JSON objects (empty documents are skipped).</summary>
    public static IReadOnlyList<JsonObject> Render(string path, IReadOnlyDictionary<string, object?> values)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{path}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        return yaml.Documents
            .Select(document => Convert(document.RootNode, path, values))
            .OfType<JsonObject>()
            .ToList();
    }

    /// <summary>
    /// Every document of YAML that is not ours (a chart's rendered manifest), as JSON objects: the same typing
    /// of scalars, no placeholders (a <c>${x}</c> there is the chart's text).
    /// </summary>
    public static IReadOnlyList<JsonObject> Parse(string yaml, string origin)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{origin}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        return [.. stream.Documents.Select(document => Convert(document.RootNode, origin, null)).OfType<JsonObject>()];
    }

    /// <summary>
    /// Text of ours with its <c>${name}</c> placeholders filled in from <paramref name="values"/>: the names of a
    /// manifest's objects, for a caller that needs only those (Teardown) and not every value the file takes.
    /// </summary>
    public static string Fill(string text, IReadOnlyDictionary<string, object?> values, string origin)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Placeholder().Replace(text, match => values.TryGetValue(match.Groups["name"].Value, out var value)
            ? value?.ToString() ?? string.Empty
            : throw new ManifestException($"{origin}: unknown placeholder {match.Value} in '{text}'; known here: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}."));
    }

    /// <summary>A file holding one document (chart values, for instance), filled in.</summary>
    public static JsonObject RenderOne(string path, IReadOnlyDictionary<string, object?> values) =>
        Render(path, values) switch
        {
            [var single] => single,
            var many => throw new ManifestException($"{path}: expected one YAML document, found {many.Count}."),
        };

    private static JsonNode? Convert(YamlNode node, string path, IReadOnlyDictionary<string, object?>? values) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(entry => KeyValuePair.Create(
            ((YamlScalarNode)entry.Key).Value ?? string.Empty,
            Convert(entry.Value, path, values)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(item => Convert(item, path, values)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar, path, values),
        _ => throw new ManifestException($"{path}:{node.Start.Line}: aliases and tags are not supported in our manifests."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar, string path, IReadOnlyDictionary<string, object?>? values)
    {
        var text = scalar.Value ?? string.Empty;
        var whole = Placeholder().Match(text);
        if (values is not null && whole.Success && whole.Length == text.Length)
        {
            return ToJson(Lookup(whole.Groups["name"].Value, scalar, path, values));
        }

        if (values is not null && text.Contains("${", StringComparison.Ordinal))
        {
            return JsonValue.Create(Placeholder().Replace(text, match =>
                Lookup(match.Groups["name"].Value, scalar, path, values) switch
                {
                    null => string.Empty,
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    var value => value.ToString() ?? string.Empty,
                }));
        }

        // Plain scalars follow YAML's core schema; quoted ones are always text.
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !text.Contains(',', StringComparison.Ordinal) => JsonValue.Create(real),
            _ => JsonValue.Create(text),
        };
    }

    private static object? Lookup(string name, YamlScalarNode scalar, string path, IReadOnlyDictionary<string, object?> values) =>
        values.TryGetValue(name, out var value)
            ? value
            : throw new ManifestException(
                $"{path}:{scalar.Start.Line}: unknown placeholder ${{{name}}}; known here: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}.");

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };

    [GeneratedRegex(@"\$\{(?<name>[a-zA-Z0-9][a-zA-Z0-9-]*)\}")]
    private static partial Regex Placeholder();
}

/// <summary>A manifest of ours that cannot be read or filled in: a defect of the repository, not of the settings.</summary>
public sealed class ManifestException(string message) : Exception(message);
