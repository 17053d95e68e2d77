using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Validation on every write, and CustomResourceDefinitions: an accepted definition serves each of its
/// served versions at once (the real server's NamesAccepted and Established conditions) unless
/// <see cref="ControllerOptions.EstablishCustomResourceDefinitions"/> is off, and deleting it withdraws its
/// kinds and deletes their objects.
/// </summary>
public sealed partial class ObjectStore
{
    // Called under the lock with the object about to be stored: prunes custom resources, then validates.
    private static void Admit(ResourceKind kind, JsonObject obj, string name)
    {
        var errors = BuiltInValidation.Validate(kind, obj, name);
        if (kind.Model is { } model)
        {
            // Decoding into the Go type drops what the type does not declare.
            TypedFields.Walk(model, obj, prune: true);
        }
        else if (kind.Schema is { } schema)
        {
            SchemaValidation.UnknownFields(schema, obj, prune: true);
            errors.AddRange(SchemaValidation.Validate(schema, obj));
        }

        if (kind.Kind == "CustomResourceDefinition")
        {
            errors.AddRange(DefinitionErrors(obj, name));
        }

        if (errors.Count > 0)
        {
            throw FieldError.ToInvalid(kind, name, errors);
        }
    }

    private static IEnumerable<FieldError> DefinitionErrors(JsonObject crd, string name)
    {
        var spec = crd["spec"] as JsonObject ?? [];
        var group = (string?)spec["group"];
        var plural = (string?)spec["names"]?["plural"];
        if (string.IsNullOrEmpty(group))
        {
            yield return FieldError.Required("spec.group");
        }

        if (string.IsNullOrEmpty(plural))
        {
            yield return FieldError.Required("spec.names.plural");
        }

        if (string.IsNullOrEmpty((string?)spec["names"]?["kind"]))
        {
            yield return FieldError.Required("spec.names.kind");
        }

        if (!string.IsNullOrEmpty(group) && !string.IsNullOrEmpty(plural) && name != $"{plural}.{group}")
        {
            yield return FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
        }

        if ((string?)spec["scope"] is not ("Namespaced" or "Cluster"))
        {
            yield return FieldError.NotSupported("spec.scope", spec["scope"]?.DeepClone(), ["Cluster", "Namespaced"]);
        }

        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (versions.Count == 0)
        {
            yield return FieldError.Invalid("spec.versions", new JsonArray(), "must have exactly one version marked as storage version");
        }
        else if (versions.Count(v => (bool?)v["storage"] == true) != 1)
        {
            yield return FieldError.Invalid("spec.versions", spec["versions"]!.DeepClone(), "must have exactly one version marked as storage version");
        }
    }

    // The defaults and status the real server gives an accepted definition with no name conflicts; Established
    // once the establishing controller has run (when it may), and for good.
    private static void Accept(JsonObject crd, bool establish)
    {
        var established = establish || IsEstablished(crd);
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var kind = (string)names["kind"]!;
        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };

        var status = crd["status"] as JsonObject ?? [];
        var stored = (status["storedVersions"] as JsonArray ?? []).Select(v => (string?)v).OfType<string>().ToList();
        var storage = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().Where(v => (bool?)v["storage"] == true).Select(v => (string?)v["name"]).FirstOrDefault();
        if (storage is not null && !stored.Contains(storage))
        {
            stored.Add(storage);
        }

        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        JsonObject Condition(string type, string reason, string message, bool status = true) => new()
        {
            ["type"] = type,
            ["status"] = status ? "True" : "False",
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                established
                    ? Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")
                    : Condition("Established", "Installing", "the initial names have been accepted", status: false)),
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray([.. stored.Select(v => (JsonNode)v)]),
        };
    }

    private static bool IsEstablished(JsonObject crd) =>
        (crd["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(condition => (string?)condition["type"] == "Established" && (string?)condition["status"] == "True");

    // Called under the lock once an established definition is stored: its served versions become kinds.
    private void Establish(JsonObject crd)
    {
        var name = (string)crd["metadata"]!["name"]!;
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        string[] Strings(JsonNode? node) => [.. (node as JsonArray ?? []).Select(n => (string?)n).OfType<string>()];
        var kinds = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => (bool?)v["served"] == true)
            .Select(v => new ResourceKind(
                (string)spec["group"]!,
                (string)v["name"]!,
                (string)names["plural"]!,
                (string)names["singular"]!,
                (string)names["kind"]!,
                (string?)spec["scope"] == "Namespaced",
                Strings(names["shortNames"]),
                HasStatus: v["subresources"]?["status"] is JsonObject,
                TracksGeneration: true,
                Categories: Strings(names["categories"]),
                Schema: v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }))
            .ToList();
        Kinds.Define(name, kinds);
        if (kinds.Count > 0)
        {
            _objects.TryAdd(kinds[0], new(StringComparer.Ordinal));
        }
    }

    // Called under the lock once a definition is deleted: its kinds go, and their objects with them.
    private void Withdraw(string crdName)
    {
        var kinds = Kinds.Remove(crdName);
        if (kinds.Count > 0 && _objects.Remove(kinds[0], out var table))
        {
            // Watchers of the withdrawn kind see its objects go, as with a namespace's contents.
            foreach (var obj in table.Values)
            {
                _resourceVersion++;
                Events.Publish(kinds[0], "DELETED", WithRv(obj, _resourceVersion), _resourceVersion);
            }
        }
    }

    // Every version of a custom kind reads the same objects; with conversion strategy None, as here, the
    // real server answers each in the version asked for by changing apiVersion alone.
    private static JsonObject InVersion(ResourceKind kind, JsonObject obj)
    {
        if (kind.IsCustom)
        {
            obj["apiVersion"] = kind.ApiVersion;
        }

        return obj;
    }

    /// <summary>One table per group and resource: every version of a custom kind reads the same objects.</summary>
    internal sealed class SameResource : IEqualityComparer<ResourceKind>
    {
        public static readonly SameResource Instance = new();

        public bool Equals(ResourceKind? x, ResourceKind? y) =>
            x is not null && y is not null && x.Group == y.Group && x.Plural == y.Plural;

        public int GetHashCode(ResourceKind obj) => HashCode.Combine(obj.Group, obj.Plural);
    }
}
