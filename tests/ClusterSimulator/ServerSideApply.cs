using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Field ownership as the real API server tracks it in <c>metadata.managedFields</c>: server-side apply
/// (conflicts between managers, <c>force</c>, removal of fields a manager stops applying) and an
/// <c>Update</c> entry for every other write by its field manager.
/// </summary>
public sealed partial class ObjectStore
{
    private static readonly AsyncLocal<string?> CurrentManager = new();

    /// <summary>
    /// The field manager of the writes that follow in this request (from <c>fieldManager</c>, else the
    /// User-Agent's first token, as the real server does). Writes without one are not tracked.
    /// </summary>
    public static void WriteAs(string? manager) => CurrentManager.Value = manager;

    public static string ManagerName(string? fieldManager, string? userAgent) =>
        !string.IsNullOrEmpty(fieldManager) ? fieldManager
        : (userAgent ?? "").Split('/', ' ')[0] is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 128)]
        : "unknown";

    /// <summary>Server-side apply by <paramref name="manager"/>.</summary>
    public (JsonObject Object, bool Created) Apply(ResourceKind kind, string? ns, string name, JsonObject applied, string manager, bool force, bool dryRun = false)
    {
        lock (_gate)
        {
            CheckTypeMeta(kind, applied.DeepClone().AsObject());
            var exists = _objects[kind].TryGetValue(Key(ns, name), out var stored);
            var live = stored?.DeepClone().AsObject() ?? new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } };
            var entries = ReadManagedFields(live);
            var appliedSet = FieldSet.Of(applied);
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply");
            var others = entries.Where(e => e != mine).ToList();

            var conflicts = others
                .SelectMany(e => e.Fields.Where(p => appliedSet.Contains(p) && FieldSet.IsLeaf(p) && !SameValue(applied, live, p)).Select(p => (Entry: e, Path: p)))
                .ToList();
            if (conflicts.Count > 0 && !force)
            {
                throw ApplyConflict(kind, name, conflicts.Select(c => (c.Entry.Manager, c.Entry.ApiVersion, c.Path)).ToList());
            }

            foreach (var (entry, path) in conflicts)
            {
                entry.Fields.Remove(path);
            }

            // Fields this manager applied before and no longer does go, unless someone else owns them.
            var dropped = (mine?.Fields ?? []).Where(p => !appliedSet.Contains(p) && !others.Any(e => e.Fields.Contains(p)));
            foreach (var path in dropped.OrderByDescending(p => p.Length))
            {
                FieldSet.Remove(live, path);
            }

            var merged = Mesh.ClusterSimulator.StrategicMergePatch.ApplyConfiguration(live, applied);
            var changedMine = mine is null || !mine.Fields.SetEquals(appliedSet);
            if (mine is null)
            {
                mine = new ManagedFieldsEntry(manager, "Apply", kind.ApiVersion, Now(), []);
                entries.Add(mine);
            }

            mine.Fields.Clear();
            mine.Fields.UnionWith(appliedSet);
            if (changedMine)
            {
                mine.Time = Now();
            }

            WriteManagedFields(merged, entries);
            if (stored is not null && JsonNode.DeepEquals(merged, stored))
            {
                return (stored.DeepClone().AsObject(), false);
            }

            var previous = CurrentManager.Value;
            CurrentManager.Value = null;
            try
            {
                if (!exists)
                {
                    return (Create(kind, ns, merged, dryRun), true);
                }

                if (applied["metadata"]?["resourceVersion"] is null)
                {
                    Metadata(merged).Remove("resourceVersion");
                }

                return (Replace(kind, ns, name, merged, false, dryRun), false);
            }
            finally
            {
                CurrentManager.Value = previous;
            }
        }
    }

    /// <summary>Called on every write: records the writer's <c>Update</c> entry, unless apply did already.</summary>
    private void TrackUpdate(ResourceKind kind, JsonObject? old, JsonObject obj)
    {
        var manager = CurrentManager.Value;
        if (manager is null)
        {
            return;
        }

        // Managed fields a request sets itself (kubectl rewrites them when it moves a client-side apply's
        // fields to server-side apply) are taken as they are; otherwise the stored ones carry on.
        var written = obj["metadata"]?["managedFields"];
        var entries = written is JsonArray && !JsonNode.DeepEquals(written, old?["metadata"]?["managedFields"])
            ? ReadManagedFields(obj)
            : old is null ? [] : ReadManagedFields(old);
        var oldSet = old is null ? [] : FieldSet.Of(old);
        var newSet = FieldSet.Of(obj);
        var changed = newSet.Where(p => !oldSet.Contains(p) || (FieldSet.IsLeaf(p) && !SameValue(obj, old!, p))).ToHashSet(StringComparer.Ordinal);
        var removed = oldSet.Where(p => !newSet.Contains(p)).ToList();
        foreach (var entry in entries)
        {
            entry.Fields.ExceptWith(removed);
            if (entry.Manager != manager || entry.Operation != "Update")
            {
                entry.Fields.ExceptWith(changed);
            }
        }

        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update");
        if (mine is null && changed.Count > 0)
        {
            mine = new ManagedFieldsEntry(manager, "Update", kind.ApiVersion, Now(), []);
            entries.Add(mine);
        }

        if (mine is not null && changed.Count > 0)
        {
            mine.Fields.UnionWith(changed);
            mine.Time = Now();
        }

        WriteManagedFields(obj, entries);
    }

    private static bool SameValue(JsonObject a, JsonObject b, string path) =>
        FieldSet.TryGet(a, path, out var x) == FieldSet.TryGet(b, path, out var y) && JsonNode.DeepEquals(x, y);

    private static ApiError ApplyConflict(ResourceKind kind, string name, List<(string Manager, string ApiVersion, string Path)> conflicts)
    {
        // The real server's wording: one conflict on one line, several as a list per manager.
        string message;
        if (conflicts.Count == 1)
        {
            var (manager, apiVersion, path) = conflicts[0];
            message = $"Apply failed with 1 conflict: conflict with \"{manager}\" using {apiVersion}: {FieldSet.Describe(path)}";
        }
        else
        {
            var groups = conflicts.GroupBy(c => (c.Manager, c.ApiVersion)).Select(g =>
                $"conflicts with \"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n" + string.Join('\n', g.Select(c => "- " + FieldSet.Describe(c.Path))));
            message = $"Apply failed with {conflicts.Count} conflicts: " + string.Join('\n', groups);
        }

        var causes = new JsonArray([.. conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with \"{c.Manager}\" using {c.ApiVersion}",
            ["field"] = FieldSet.Describe(c.Path),
        })]);
        return new ApiError(409, "Conflict", message, name, kind) { Causes = causes };
    }

    private static List<ManagedFieldsEntry> ReadManagedFields(JsonObject obj) =>
        obj["metadata"]?["managedFields"] is JsonArray list
            ? [.. list.OfType<JsonObject>().Select(e => new ManagedFieldsEntry(
                (string?)e["manager"] ?? "",
                (string?)e["operation"] ?? "Update",
                (string?)e["apiVersion"] ?? "",
                (string?)e["time"] ?? Now(),
                FieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject)))]
            : [];

    private static void WriteManagedFields(JsonObject obj, List<ManagedFieldsEntry> entries)
    {
        var kept = entries.Where(e => e.Fields.Count > 0).ToList();
        if (kept.Count == 0)
        {
            Metadata(obj).Remove("managedFields");
            return;
        }

        Metadata(obj)["managedFields"] = new JsonArray([.. kept.Select(e => (JsonNode)new JsonObject
        {
            ["manager"] = e.Manager,
            ["operation"] = e.Operation,
            ["apiVersion"] = e.ApiVersion,
            ["time"] = e.Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldSet.ToFieldsV1(e.Fields),
        })]);
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private sealed class ManagedFieldsEntry(string manager, string operation, string apiVersion, string time, HashSet<string> fields)
    {
        public string Manager { get; } = manager;

        public string Operation { get; } = operation;

        public string ApiVersion { get; } = apiVersion;

        public string Time { get; set; } = time;

        public HashSet<string> Fields { get; } = fields;
    }
}
