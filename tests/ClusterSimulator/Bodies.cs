using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.ClusterSimulator;

/// <summary>Request bodies in JSON, YAML or the Kubernetes protobuf envelope, read into <see cref="JsonObject"/>s.</summary>
public static class Bodies
{
    /// <summary>A request body as sent: the Kubernetes protobuf envelope, else JSON or YAML text.</summary>
    public static JsonObject Parse(byte[] body, string? contentType) =>
        MediaType(contentType) == KubeProtobuf.MediaType
            ? KubeProtobuf.Decode(body)
            : Parse(Encoding.UTF8.GetString(body), contentType);

    private static string MediaType(string? contentType) => (contentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();

    public static JsonObject Parse(string text, string? contentType)
    {
        var mediaType = MediaType(contentType);
        JsonNode? node;
        try
        {
            node = mediaType switch
            {
                "application/json" or "application/merge-patch+json" or "application/strategic-merge-patch+json" => JsonNode.Parse(text),
                "application/yaml" or "application/apply-patch+yaml" => FromYaml(text),
                _ => throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {mediaType})"),
            };
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw ApiError.BadRequest($"the body of the request could not be decoded: {e.Message}");
        }

        return node as JsonObject ?? throw ApiError.BadRequest("the body of the request must be an object");
    }

    public static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain or ScalarStyle.Any => Resolve(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw ApiError.BadRequest($"unsupported YAML node {node.NodeType}"),
    };

    // The YAML 1.2 core schema for plain scalars: null, booleans, integers, floats, else a string.
    private static JsonNode? Resolve(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (value.Any(char.IsDigit) && !value.Contains(',')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    /// <summary>
    /// True when a strategic merge patch means the same as a JSON merge patch: it has no lists (which a
    /// strategic merge patch merges by key) and no <c>$patch</c>-style directives.
    /// </summary>
    public static bool IsPlainStrategicMergePatch(JsonNode? patch) => patch switch
    {
        JsonArray => false,
        JsonObject o => o.All(p => !p.Key.StartsWith('$') && IsPlainStrategicMergePatch(p.Value)),
        _ => true,
    };

    /// <summary>RFC 7386 JSON merge patch: objects merge, <c>null</c> removes, everything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject is { } t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }

        return result;
    }
}
