using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The few checks the real server makes on built-in kinds that our pipeline's objects can fail: names,
/// label keys and values, and a small table of required fields. Wording follows the real messages.
/// </summary>
public static partial class BuiltInValidation
{
    private const string LabelRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035Regex = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string SubdomainRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string QualifiedNameRegex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueRegex = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

    public static List<FieldError> Validate(ResourceKind kind, JsonObject obj, string name)
    {
        var errors = new List<FieldError>();
        errors.AddRange(kind.Kind switch
        {
            "Namespace" => Dns1123Label("metadata.name", name),
            "Service" => Dns1035Label("metadata.name", name),
            _ => Subdomain("metadata.name", name),
        });
        if (obj["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                errors.AddRange(LabelKey(key));
                errors.AddRange(LabelValue(value?.ToString() ?? ""));
            }
        }

        var spec = obj["spec"] as JsonObject;
        var clusterIp = spec?["clusterIP"]?.ToString();
        var serviceType = spec?["type"]?.ToString();
        var needsPorts = clusterIp != "None" && serviceType != "ExternalName";
        switch (kind.Kind)
        {
            case "Deployment":
                if (spec?["selector"] is null)
                {
                    errors.Add(FieldError.Required("spec.selector"));
                }

                if (spec?["template"] is null)
                {
                    errors.Add(FieldError.Required("spec.template"));
                }

                break;
            case "Service" when needsPorts:
                var ports = spec?["ports"] as JsonArray ?? [];
                if (ports.Count == 0)
                {
                    errors.Add(FieldError.Required("spec.ports"));
                }

                for (var i = 0; i < ports.Count; i++)
                {
                    var port = ports[i]?["port"];
                    if (port is not JsonValue v || !int.TryParse(v.ToJsonString(), out var number) || number is < 1 or > 65535)
                    {
                        errors.Add(FieldError.Invalid($"spec.ports[{i}].port", port ?? 0, "must be between 1 and 65535, inclusive"));
                    }
                }

                break;
        }

        return errors;
    }

    private static IEnumerable<FieldError> Subdomain(string field, string value)
    {
        if (value.Length > 253)
        {
            yield return FieldError.Invalid(field, value, "must be no more than 253 characters");
        }

        if (!Subdomain().IsMatch(value))
        {
            yield return FieldError.Invalid(field, value, $"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{SubdomainRegex}')");
        }
    }

    private static IEnumerable<FieldError> Dns1123Label(string field, string value)
    {
        if (value.Length > 63)
        {
            yield return FieldError.Invalid(field, value, "must be no more than 63 characters");
        }

        if (!Label().IsMatch(value))
        {
            yield return FieldError.Invalid(field, value, $"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{LabelRegex}')");
        }
    }

    private static IEnumerable<FieldError> Dns1035Label(string field, string value)
    {
        if (value.Length > 63)
        {
            yield return FieldError.Invalid(field, value, "must be no more than 63 characters");
        }

        if (!Dns1035().IsMatch(value))
        {
            yield return FieldError.Invalid(field, value, $"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{Dns1035Regex}')");
        }
    }

    private static IEnumerable<FieldError> LabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
        {
            yield return FieldError.Invalid("metadata.labels", key, $"prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{SubdomainRegex}')");
        }

        if (name.Length == 0 || name.Length > 63 || !QualifiedName().IsMatch(name))
        {
            yield return FieldError.Invalid("metadata.labels", key, $"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{QualifiedNameRegex}')");
        }
    }

    private static IEnumerable<FieldError> LabelValue(string value)
    {
        if (value.Length > 63)
        {
            yield return FieldError.Invalid("metadata.labels", value, "must be no more than 63 characters");
        }

        if (!LabelValue().IsMatch(value))
        {
            yield return FieldError.Invalid("metadata.labels", value, $"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '{LabelValueRegex}')");
        }
    }

    [GeneratedRegex($"^{SubdomainRegex}$")]
    private static partial Regex Subdomain();

    [GeneratedRegex($"^{LabelRegex}$")]
    private static partial Regex Label();

    [GeneratedRegex($"^{Dns1035Regex}$")]
    private static partial Regex Dns1035();

    [GeneratedRegex($"^{QualifiedNameRegex}$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex($"^{LabelValueRegex}$")]
    private static partial Regex LabelValue();
}
