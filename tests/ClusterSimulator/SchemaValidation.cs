using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>
/// A custom resource against its version's <c>openAPIV3Schema</c>, as the real server checks it: the
/// structural keywords (type, properties, additionalProperties, items, required, enum, minimum, maximum,
/// pattern, int32/int64 formats, the int-or-string and preserve-unknown-fields extensions), and the
/// unknown fields it prunes, or rejects under <c>fieldValidation=Strict</c>.
/// </summary>
public static class SchemaValidation
{
    private static readonly string[] TypeMeta = ["apiVersion", "kind", "metadata"];

    /// <summary>The paths of fields the schema does not declare (e.g. <c>spec.foo</c>); removes them when <paramref name="prune"/>.</summary>
    public static List<string> UnknownFields(JsonObject schema, JsonObject obj, bool prune)
    {
        var found = new List<string>();
        Unknown(obj, schema, "", found, prune);
        return found;
    }

    public static List<FieldError> Validate(JsonObject schema, JsonObject obj)
    {
        var errors = new List<FieldError>();
        Check(obj, schema, "", errors);
        return errors;
    }

    private static void Unknown(JsonNode? value, JsonObject schema, string path, List<string> found, bool prune)
    {
        switch (value)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                var preserve = (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true;
                foreach (var (key, child) in obj.ToList())
                {
                    if (path.Length == 0 && TypeMeta.Contains(key))
                    {
                        continue;
                    }

                    if (properties?[key] is JsonObject property)
                    {
                        Unknown(child, property, FieldError.Join(path, key), found, prune);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Unknown(child, additional, $"{path}[{key}]", found, prune);
                    }
                    else if (!preserve && (bool?)(schema["additionalProperties"] as JsonValue) != true)
                    {
                        found.Add(FieldError.Join(path, key));
                        if (prune)
                        {
                            obj.Remove(key);
                        }
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Unknown(array[i], items, FieldError.Index(path, i), found, prune);
                }

                break;
        }
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<FieldError> errors)
    {
        var actual = TypeOf(value);
        if ((bool?)schema["x-kubernetes-int-or-string"] == true)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.Invalid(path, actual, $"{path} in body must be of type integer-or-string: \"{actual}\""));
                return;
            }
        }
        else if ((string?)schema["type"] is { } expected && actual != expected && !(expected == "number" && actual == "integer"))
        {
            if (actual != "null" || (bool?)schema["nullable"] != true)
            {
                errors.Add(FieldError.Invalid(path, actual, $"{path} in body must be of type {expected}: \"{actual}\""));
            }

            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed));
        }

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, errors);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], items, FieldError.Index(path, i), errors);
                }

                break;
            case JsonValue scalar when actual == "string":
                if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(scalar.GetValue<string>(), pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add(FieldError.Invalid(path, value, $"{path} in body should match '{pattern}'"));
                }

                break;
            case JsonValue scalar when actual is "integer" or "number":
                CheckNumber(scalar, schema, path, errors);
                break;
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors)
    {
        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>())
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add(FieldError.Required(FieldError.Join(path, required)));
            }
        }

        var properties = schema["properties"] as JsonObject;
        foreach (var (key, child) in obj)
        {
            if (path.Length == 0 && TypeMeta.Contains(key))
            {
                continue;
            }

            if (properties?[key] is JsonObject property)
            {
                Check(child, property, FieldError.Join(path, key), errors);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Check(child, additional, $"{path}[{key}]", errors);
            }
        }
    }

    private static void CheckNumber(JsonValue scalar, JsonObject schema, string path, List<FieldError> errors)
    {
        var number = AsDouble(scalar);
        if (schema["minimum"] is JsonValue min && number < AsDouble(min))
        {
            errors.Add(FieldError.Invalid(path, scalar, $"{path} in body should be greater than or equal to {min.ToJsonString()}"));
        }

        if (schema["maximum"] is JsonValue max && number > AsDouble(max))
        {
            errors.Add(FieldError.Invalid(path, scalar, $"{path} in body should be less than or equal to {max.ToJsonString()}"));
        }

        if ((string?)schema["format"] == "int32" && number is < int.MinValue or > int.MaxValue)
        {
            errors.Add(FieldError.Invalid(path, scalar, $"{path} in body must be of type int32: \"{number.ToString(CultureInfo.InvariantCulture)}\""));
        }
    }

    private static double AsDouble(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number when double.IsInteger(AsDouble(v)) => "integer",
            JsonValueKind.Number => "number",
            _ => "null",
        },
        _ => "null",
    };
}
