using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// One validation failure, worded as the real API server words its field errors
/// (<c>spec.x: Required value</c>, <c>spec.x: Invalid value: "v": why</c>, <c>spec.x: Unsupported value: "v": supported values: ...</c>).
/// </summary>
public sealed record FieldError(string Reason, string Field, string Body)
{
    public static FieldError Required(string field, string? detail = null) =>
        new("FieldValueRequired", field, "Required value" + (detail is null ? "" : ": " + detail));

    public static FieldError Invalid(string field, JsonNode? value, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: {Render(value)}: {detail}");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<JsonNode?> supported) =>
        new("FieldValueNotSupported", field, $"Unsupported value: {Render(value)}: supported values: {string.Join(", ", supported.Select(Render))}");

    public override string ToString() => $"{Field}: {Body}";

    /// <summary>The 422 Invalid answer: one message naming every error, and a cause per error.</summary>
    public static ApiError ToInvalid(ResourceKind kind, string name, IReadOnlyList<FieldError> errors)
    {
        var qualified = kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}";
        var list = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors)}]";
        var details = new JsonObject { ["name"] = name };
        if (kind.Group.Length > 0)
        {
            details["group"] = kind.Group;
        }

        details["kind"] = kind.Kind;
        details["causes"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject
        {
            ["reason"] = e.Reason,
            ["message"] = e.Body,
            ["field"] = e.Field,
        })]);
        return new ApiError(422, "Invalid", $"{qualified} \"{name}\" is invalid: {list}") { Details = details };
    }

    // Go's %v of the value: strings quoted, numbers and booleans bare.
    private static string Render(JsonNode? value) => value switch
    {
        null => "\"null\"",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(),
    };

    internal static string Join(string path, string child) => path.Length == 0 ? child : $"{path}.{child}";

    internal static string Index(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
