using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// What the real server does at decoding with fields no schema declares and values of the wrong type,
/// before any validation. Built-in kinds are walked against their KubernetesClient model, custom
/// resources against their schema.
/// <list type="bullet">
/// <item>Create, update and merge patches: an unknown field is a 400 under <c>fieldValidation=Strict</c>
/// (<c>strict decoding error: unknown field "spec.foo"</c>), a <c>Warning</c> header under <c>Warn</c> (the
/// default) and nothing under <c>Ignore</c>; it is dropped either way. A built-in field of the wrong JSON
/// type is a 400 from Go's decoder (<c>json: cannot unmarshal string into Go struct field ...</c>).</item>
/// <item>Server-side apply converts the body to a typed object first, whatever <c>fieldValidation</c> says:
/// unknown fields and wrong types fail that conversion, which the real server answers with a 500
/// (<c>failed to create typed patch object (...): .spec.foo: field not declared in schema</c>).</item>
/// </list>
/// </summary>
public static class StrictFields
{
    /// <summary>Checks a request body; answers the warnings to send (one per unknown field under Warn).</summary>
    public static IReadOnlyList<string> Check(
        ResourceKind kind,
        string? fieldValidation,
        JsonObject body,
        (string? Namespace, string Name)? apply = null,
        bool patch = false)
    {
        var directive = fieldValidation switch
        {
            null or "" or "Warn" => "Warn",
            "Strict" or "Ignore" => fieldValidation,
            _ => throw ApiError.BadRequest($"fieldValidation: Unsupported value: \"{fieldValidation}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        };

        List<string> unknown;
        List<TypedFields.TypeError> wrongTypes = [];
        if (kind.Model is { } model)
        {
            var findings = TypedFields.Walk(model, body, patch: patch);
            unknown = findings.Unknown;
            wrongTypes = findings.WrongTypes;
        }
        else if (kind.Schema is { } schema)
        {
            unknown = SchemaValidation.UnknownFields(schema, body, prune: false);
        }
        else
        {
            return [];
        }

        var cannot = $"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}";
        if (apply is var (ns, name))
        {
            var errors = unknown.Select(u => $".{u}: field not declared in schema")
                .Concat(wrongTypes.Where(w => !DecodeOnly(w)).Select(w => $".{w.Path}: expected {w.Expected}, got {Described(w)}"))
                .ToList();
            if (errors.Count > 0)
            {
                var gvk = $"{kind.Group}/{kind.Version}, Kind={kind.Kind}";
                var list = errors.Count == 1 ? errors[0] : "errors:\n" + string.Join('\n', errors.Select(e => "  " + e));
                throw new ApiError(500, "InternalError", $"failed to create typed patch object ({ns}/{name}; {gvk}): {list}");
            }

            return wrongTypes.Count > 0 ? throw ApiError.BadRequest($"{cannot}: {DecodeError(wrongTypes[0])}") : [];
        }

        if (wrongTypes.Count > 0)
        {
            // Go's decoder stops at the first value it cannot take.
            throw ApiError.BadRequest($"{cannot}: {DecodeError(wrongTypes[0])}");
        }

        var messages = unknown.Select(u => $"unknown field \"{u}\"").ToList();
        if (messages.Count > 0 && directive == "Strict")
        {
            throw ApiError.BadRequest($"{cannot}: strict decoding error: {string.Join(", ", messages)}");
        }

        return directive == "Warn" ? messages : [];
    }

    // A string that is not base64 where bytes are wanted, or not a quantity where one is, passes the typed
    // conversion of server-side apply as a string; decoding it into the Go type fails after.
    private static bool DecodeOnly(TypedFields.TypeError error) =>
        error.IllegalBase64At is not null || (error.GoType == "resource.Quantity" && error.Actual == "string");

    private static string DecodeError(TypedFields.TypeError error) =>
        error.IllegalBase64At is { } at ? $"illegal base64 data at input byte {at}"
        : error.GoType == "resource.Quantity" ? $"quantities must match the regular expression '{TypedFields.QuantityPattern}'"
        : $"json: cannot unmarshal {error.Actual} into Go struct field {error.GoStruct}.{error.GoField} of type {error.GoType}";

    // structured-merge-diff prints a wrong string as Go's %T of the value for numbers and %#v otherwise.
    private static string Described(TypedFields.TypeError error) => error.Expected switch
    {
        "numeric (int or float)" => error.Actual switch
        {
            "string" => "string",
            "bool" => "bool",
            "object" => "map[string]interface {}",
            "array" => "[]interface {}",
            _ => error.Actual,
        },
        _ => $"&value.valueUnstructured{{Value:{error.Value?.ToJsonString()}}}",
    };

    /// <summary>The <c>Warning</c> header value of one warning (RFC 7234 code 299, as the real server sends).</summary>
    public static string WarningHeader(string text) =>
        $"299 - \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
