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

        if (apply is var (ns, name))
        {
            var errors = unknown.Select(u => $".{u}: field not declared in schema")
                .Concat(wrongTypes.Select(w => $".{w.Path}: expected {w.Expected}, got {Described(w)}"))
                .ToList();
            if (errors.Count > 0)
            {
                var gvk = $"{kind.Group}/{kind.Version}, Kind={kind.Kind}";
                var list = errors.Count == 1 ? errors[0] : "errors:\n" + string.Join('\n', errors.Select(e => "  " + e));
                throw new ApiError(500, "InternalError", $"failed to create typed patch object ({ns}/{name}; {gvk}): {list}");
            }

            return [];
        }

        var cannot = $"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}";
        if (wrongTypes.Count > 0)
        {
            // Go's decoder stops at the first value it cannot take.
            var first = wrongTypes[0];
            throw ApiError.BadRequest(first.GoType == "resource.Quantity"
                ? $"{cannot}: quantities must match the regular expression '{TypedFields.QuantityPattern}'"
                : $"{cannot}: json: cannot unmarshal {first.Actual} into Go struct field {first.GoStruct}.{first.GoField} of type {first.GoType}");
        }

        var messages = unknown.Select(u => $"unknown field \"{u}\"").ToList();
        if (messages.Count > 0 && directive == "Strict")
        {
            throw ApiError.BadRequest($"{cannot}: strict decoding error: {string.Join(", ", messages)}");
        }

        return directive == "Warn" ? messages : [];
    }

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
