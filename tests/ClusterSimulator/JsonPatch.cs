using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// JSON patch (RFC 6902) with RFC 6901 pointers: add, remove, replace, move, copy and test. A malformed
/// patch is a 400; an operation that cannot apply (a failing test, a missing path) is a 422, as on the
/// real API server.
/// </summary>
public static class JsonPatch
{
    public static JsonArray Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray ?? throw ApiError.BadRequest("a JSON patch must be a list of operations");
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the body of the request could not be decoded: {e.Message}");
        }
    }

    public static JsonObject Apply(JsonObject target, JsonArray operations)
    {
        JsonNode document = target.DeepClone();
        foreach (var operation in operations)
        {
            var op = (string?)operation!["op"] ?? throw ApiError.BadRequest("a JSON patch operation needs \"op\"");
            var path = (string?)operation["path"] ?? throw ApiError.BadRequest($"the \"{op}\" operation needs \"path\"");
            switch (op)
            {
                case "add":
                    Add(document, path, Value(operation, op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    Add(document, path, Value(operation, op));
                    break;
                case "move":
                    var moved = Get(document, From(operation, op));
                    Remove(document, From(operation, op));
                    Add(document, path, moved);
                    break;
                case "copy":
                    Add(document, path, Get(document, From(operation, op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw Unprocessable($"testing value {path} failed: test failed");
                    }

                    break;
                default:
                    throw ApiError.BadRequest($"Unexpected kind: {op}");
            }
        }

        return document as JsonObject ?? throw Unprocessable("the patched document is not an object");
    }

    private static JsonNode? Value(JsonNode operation, string op) =>
        operation.AsObject().TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw ApiError.BadRequest($"the \"{op}\" operation needs \"value\"");

    private static string From(JsonNode operation, string op) =>
        (string?)operation["from"] ?? throw ApiError.BadRequest($"the \"{op}\" operation needs \"from\"");

    // The real server answers a generic 422 (kubectl prints "The request is invalid: the server rejected
    // our request due to an error in our request"); what failed stays on the exception, as Detail.
    private static ApiError Unprocessable(string message) =>
        new(422, "Invalid", "the server rejected our request due to an error in our request") { Detail = message };

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw ApiError.BadRequest($"JSON pointer \"{pointer}\" must start with /");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? node = document;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when Index(token, a.Count - 1) is var i => a[i],
                _ => throw Unprocessable($"path {pointer} does not exist: missing value"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw Unprocessable("the whole document cannot be added, removed or replaced");
        }

        var parent = tokens.Length == 1
            ? document
            : Get(document, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))));

        return (parent ?? throw Unprocessable($"path {pointer} does not exist: missing value"), tokens[^1]);
    }

    private static void Add(JsonNode document, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a:
                a.Insert(Index(last, a.Count), value);
                break;
            default:
                throw Unprocessable($"path {pointer} does not exist: missing value");
        }
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o when o.Remove(last):
                break;
            case JsonArray a:
                a.RemoveAt(Index(last, a.Count - 1));
                break;
            default:
                throw Unprocessable($"path {pointer} does not exist: missing value");
        }
    }

    private static int Index(string token, int max) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= max
            ? index
            : throw Unprocessable($"index {token} is out of bounds");
}
