using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>Strategic merge patch and JSON patch on stored objects; both end as a replace.</summary>
public sealed partial class ObjectStore
{
    public JsonObject StrategicMergePatch(ResourceKind kind, string? ns, string name, JsonObject patch, bool statusOnly = false, bool dryRun = false)
    {
        lock (_gate)
        {
            var merged = Mesh.ClusterSimulator.StrategicMergePatch.Apply(Find(kind, ns, name), patch);
            if (patch["metadata"]?["resourceVersion"] is null)
            {
                Metadata(merged).Remove("resourceVersion");
            }

            return Replace(kind, ns, name, merged, statusOnly, dryRun);
        }
    }

    public JsonObject JsonPatch(ResourceKind kind, string? ns, string name, JsonArray operations, bool statusOnly = false, bool dryRun = false)
    {
        lock (_gate)
        {
            var existing = Find(kind, ns, name);
            var patched = Mesh.ClusterSimulator.JsonPatch.Apply(existing, operations);
            if (!operations.Any(o => ((string?)o?["path"])?.StartsWith("/metadata/resourceVersion", StringComparison.Ordinal) == true))
            {
                Metadata(patched).Remove("resourceVersion");
            }

            return Replace(kind, ns, name, patched, statusOnly, dryRun);
        }
    }

    // An update that changes nothing is not a write: the real server keeps the resourceVersion.
    private static bool Unchanged(JsonObject old, JsonObject obj)
    {
        var candidate = obj.DeepClone().AsObject();
        Metadata(candidate)["resourceVersion"] = old["metadata"]?["resourceVersion"]?.DeepClone();
        return JsonNode.DeepEquals(old, candidate);
    }

    // generation counts changes to anything but metadata and status.
    private static bool SpecChanged(JsonObject old, JsonObject obj) =>
        old.Where(p => p.Key is not ("metadata" or "status")).Concat(obj.Where(p => p.Key is not ("metadata" or "status")))
            .Select(p => p.Key).Distinct(StringComparer.Ordinal)
            .Any(key => !JsonNode.DeepEquals(old[key], obj[key]));
}
