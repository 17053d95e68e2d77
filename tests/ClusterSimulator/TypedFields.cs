using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Mesh.ClusterSimulator;

/// <summary>
/// What the real server's Go types know about a built-in object, read from KubernetesClient's models by
/// reflection: every field's JSON name (its <see cref="JsonPropertyNameAttribute"/>) and type. A walk over
/// a body finds the fields no type declares (which decoding drops, and <c>fieldValidation</c> reports)
/// and the values of the wrong JSON type (which decoding refuses).
/// </summary>
public static partial class TypedFields
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> Properties = new();

    /// <summary>One value of the wrong type: where, what the field wants and what came.</summary>
    public sealed record TypeError(string Path, string GoStruct, string GoField, string GoType, string Expected, JsonNode? Value)
    {
        /// <summary>For a string that is not base64 where bytes are wanted: where Go's decoder finds it illegal.</summary>
        public int? IllegalBase64At { get; init; }

        /// <summary>The JSON type of the value as Go's decoder names it: string, number, bool, array, object.</summary>
        public string Actual => Value switch
        {
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "bool",
                _ => "null",
            },
            _ => "null",
        };
    }

    /// <summary>What a walk found: unknown field paths (<c>spec.foo</c>, <c>spec.containers[0].bar</c>) and type errors.</summary>
    public sealed class Findings
    {
        public List<string> Unknown { get; } = [];

        public List<TypeError> WrongTypes { get; } = [];
    }

    private enum Shape
    {
        Object,
        List,
        Map,
        String,
        Int32,
        Int64,
        Number,
        Bool,
        Bytes,
        Time,
        IntOrString,
        Quantity,
        Any,
    }

    /// <summary>
    /// Walks <paramref name="body"/> as an object of <paramref name="model"/>. With <paramref name="prune"/>
    /// the unknown fields are removed; with <paramref name="patch"/> the keys of strategic merge patch
    /// directives (<c>$patch</c>, <c>$setElementOrder/...</c>, ...) are not fields and are skipped.
    /// </summary>
    public static Findings Walk(Type model, JsonObject body, bool prune = false, bool patch = false)
    {
        var findings = new Findings();
        WalkObject(model, body, "", findings, prune, patch);
        return findings;
    }

    private static void WalkObject(Type type, JsonObject obj, string path, Findings findings, bool prune, bool patch)
    {
        var fields = FieldsOf(type);
        foreach (var (key, child) in obj.ToList())
        {
            if (patch && key.StartsWith('$'))
            {
                continue;
            }

            var childPath = FieldError.Join(path, key);
            if (!fields.TryGetValue(key, out var fieldType))
            {
                findings.Unknown.Add(childPath);
                if (prune)
                {
                    obj.Remove(key);
                }

                continue;
            }

            if (WalkValue(fieldType, child, childPath, GoStruct(type), findings, prune, patch) is { } decoded)
            {
                obj[key] = decoded;
            }
        }
    }

    // Returns the value as decoding into the Go type and encoding back leaves it, where that differs (with prune:
    // a quantity in its canonical form, "2000m" as "2", 1024Mi as "1Gi", the number 1 as "1"); else null.
    private static JsonNode? WalkValue(Type type, JsonNode? value, string path, string goStruct, Findings findings, bool prune, bool patch)
    {
        if (value is null)
        {
            // null is no value at all to Go's decoder, whatever the field's type.
            return null;
        }

        var (shape, element) = Classify(type);
        var ok = shape switch
        {
            Shape.Object => value is JsonObject,
            Shape.List => value is JsonArray,
            Shape.Map => value is JsonObject,
            Shape.String or Shape.Time => IsKind(value, JsonValueKind.String),
            Shape.Bytes => IsKind(value, JsonValueKind.String) && IsBase64(value.GetValue<string>()),
            Shape.Int32 => IsInteger(value, int.MinValue, int.MaxValue),
            Shape.Int64 => IsInteger(value, long.MinValue, long.MaxValue),
            Shape.Number => IsKind(value, JsonValueKind.Number),
            Shape.Bool => IsKind(value, JsonValueKind.True) || IsKind(value, JsonValueKind.False),
            Shape.IntOrString => IsKind(value, JsonValueKind.String) || IsInteger(value, int.MinValue, int.MaxValue),
            Shape.Quantity => IsKind(value, JsonValueKind.Number) || (IsKind(value, JsonValueKind.String) && Quantity().IsMatch(value.GetValue<string>())),
            _ => true,
        };
        if (!ok)
        {
            findings.WrongTypes.Add(new TypeError(path, goStruct, GoFieldPath(path), GoType(type), Expected(shape), value)
            {
                IllegalBase64At = shape == Shape.Bytes && IsKind(value, JsonValueKind.String) ? IllegalBase64(value.GetValue<string>()) : null,
            });
            return null;
        }

        switch (shape)
        {
            case Shape.Object:
                WalkObject(type, value.AsObject(), path, findings, prune, patch);
                break;
            case Shape.List:
                var list = value.AsArray();
                for (var i = 0; i < list.Count; i++)
                {
                    if (WalkValue(element!, list[i], FieldError.Index(path, i), goStruct, findings, prune, patch) is { } decoded)
                    {
                        list[i] = decoded;
                    }
                }

                break;
            case Shape.Map:
                var map = value.AsObject();
                foreach (var (key, child) in map.ToList())
                {
                    if (!(patch && key.StartsWith('$')) && WalkValue(element!, child, $"{path}[{key}]", goStruct, findings, prune, patch) is { } decoded)
                    {
                        map[key] = decoded;
                    }
                }

                break;
            case Shape.Quantity when prune:
                var text = IsKind(value, JsonValueKind.Number) ? value.ToJsonString() : value.GetValue<string>();
                var canonical = Canonical(text);
                return canonical is null || (canonical == text && IsKind(value, JsonValueKind.String)) ? null : JsonValue.Create(canonical);
        }

        return null;
    }

    // KubernetesClient's port of Go's canonical form; left as given where it cannot say (negative amounts, which
    // it spells wrongly, and text the grammar lets through but the parser refuses).
    private static string? Canonical(string quantity)
    {
        if (quantity.StartsWith('-'))
        {
            return null;
        }

        try
        {
            return new ResourceQuantity(quantity).CanonicalizeString();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IReadOnlyDictionary<string, Type> FieldsOf(Type type) => Properties.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.PropertyType, StringComparer.Ordinal));

    private static (Shape Shape, Type? Element) Classify(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return (Shape.String, null);
        }

        if (type == typeof(int) || type == typeof(short))
        {
            return (Shape.Int32, null);
        }

        if (type == typeof(long))
        {
            return (Shape.Int64, null);
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return (Shape.Number, null);
        }

        if (type == typeof(bool))
        {
            return (Shape.Bool, null);
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return (Shape.Time, null);
        }

        if (type == typeof(byte[]))
        {
            return (Shape.Bytes, null);
        }

        if (type == typeof(IntOrString))
        {
            return (Shape.IntOrString, null);
        }

        if (type == typeof(ResourceQuantity))
        {
            return (Shape.Quantity, null);
        }

        if (type == typeof(object) || type == typeof(JsonElement) || type == typeof(JsonNode))
        {
            return (Shape.Any, null);
        }

        if (type.IsGenericType)
        {
            var arguments = type.GetGenericArguments();
            var definition = type.GetGenericTypeDefinition();
            if (arguments.Length == 2 && (definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
            {
                return (Shape.Map, arguments[1]);
            }

            if (arguments.Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            {
                return (Shape.List, arguments[0]);
            }
        }

        return type.IsClass && type.Namespace == "k8s.Models" ? (Shape.Object, null) : (Shape.Any, null);
    }

    private static bool IsKind(JsonNode value, JsonValueKind kind) => value is JsonValue v && v.GetValueKind() == kind;

    private static bool IsInteger(JsonNode value, long min, long max) =>
        IsKind(value, JsonValueKind.Number)
        && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
        && n >= min && n <= max;

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    // The offset Go's base64 decoder names: the first character outside the alphabet, else the start of
    // the incomplete last quantum.
    private static int IllegalBase64(string text)
    {
        var trimmed = text.TrimEnd('=');
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(trimmed[i]) || trimmed[i] is '+' or '/'))
            {
                return i;
            }
        }

        return text.Length / 4 * 4;
    }

    // structured-merge-diff's words for what a field of each type expects (server-side apply errors).
    private static string Expected(Shape shape) => shape switch
    {
        Shape.Object or Shape.Map => "map",
        Shape.List => "list",
        Shape.Int32 or Shape.Int64 or Shape.Number => "numeric (int or float)",
        Shape.Bool => "boolean",
        _ => "string",
    };

    // Go's names: the struct of the field (DeploymentSpec), the JSON path without indices, the field's type.
    private static string GoStruct(Type type) => VersionPrefix().Replace(type.Name, "");

    private static string GoFieldPath(string path) => Indexes().Replace(path, "");

    private static string GoType(Type type)
    {
        var (shape, element) = Classify(type);
        return shape switch
        {
            Shape.String => "string",
            Shape.Int32 => "int32",
            Shape.Int64 => "int64",
            Shape.Number => "float64",
            Shape.Bool => "bool",
            Shape.Bytes => "[]uint8",
            Shape.Time => "v1.Time",
            Shape.IntOrString => "intstr.IntOrString",
            Shape.Quantity => "resource.Quantity",
            Shape.List => "[]" + GoType(element!),
            Shape.Map => "map[string]" + GoType(element!),
            Shape.Object => $"{Package(type)}.{GoStruct(type)}",
            _ => "interface {}",
        };
    }

    private static string Package(Type type) => VersionPrefix().Match(type.Name) is { Success: true } m
        ? m.Groups["version"].Value
        : "v1";

    [GeneratedRegex("^(?:[A-Z][a-z]+)?(?<version>v[0-9]+(?:alpha[0-9]+|beta[0-9]+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex VersionPrefix();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Indexes();

    // resource.Quantity's grammar, as the real decoder's error message states it.
    public const string QuantityPattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    [GeneratedRegex(QuantityPattern)]
    private static partial Regex Quantity();
}
