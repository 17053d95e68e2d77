using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Deletion as the real API server does it: finalizers hold an object (with its deletionTimestamp set)
/// until an update removes the last one; deleting an owner deletes its dependents (at once, rather than
/// in the background), or with <c>propagationPolicy=Orphan</c> leaves them without the owner reference.
/// </summary>
public sealed partial class ObjectStore
{
    private static readonly AsyncLocal<string?> CurrentPropagation = new();

    /// <summary>The propagationPolicy (Background, Foreground or Orphan) of the deletes in this request.</summary>
    public static void DeleteWith(string? propagationPolicy) => CurrentPropagation.Value = propagationPolicy;

    /// <summary>deletecollection: deletes each selected object as a delete would; answers with what it deleted.</summary>
    public JsonObject DeleteCollection(ResourceKind kind, string? ns, LabelSelector labels, Func<JsonObject, bool> fields, bool dryRun = false)
    {
        lock (_gate)
        {
            var selected = _objects[kind].Values
                .Where(o => (ns is null || Namespace(o) == ns) && labels.Matches(Labels(o)) && fields(o))
                .Select(o => o.DeepClone().AsObject())
                .ToList();
            var deleted = new JsonArray();
            foreach (var obj in selected)
            {
                var name = (string)obj["metadata"]!["name"]!;
                if (_objects[kind].ContainsKey(Key(Namespace(obj), name)))
                {
                    var answer = Delete(kind, Namespace(obj), name, dryRun);
                    deleted.Add((string?)answer["kind"] == "Status" ? obj : answer);
                }
            }

            return new JsonObject
            {
                ["kind"] = kind.Kind + "List",
                ["apiVersion"] = kind.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_resourceVersion) },
                ["items"] = deleted,
            };
        }
    }

    /// <summary>Marks an object with finalizers as being deleted; null when it has none and can go now.</summary>
    private JsonObject? DeferForFinalizers(ResourceKind kind, string? ns, string name, JsonObject existing, bool dryRun)
    {
        if (existing["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
        {
            return null;
        }

        if (existing["metadata"]?["deletionTimestamp"] is not null)
        {
            return existing.DeepClone().AsObject();
        }

        var marked = existing.DeepClone().AsObject();
        Metadata(marked)["deletionTimestamp"] = Now();
        Metadata(marked)["deletionGracePeriodSeconds"] = 0;
        var manager = CurrentManager.Value;
        CurrentManager.Value = null;
        try
        {
            return Commit(kind, ns, name, marked, dryRun);
        }
        finally
        {
            CurrentManager.Value = manager;
        }
    }

    /// <summary>An update that removes the last finalizer of an object being deleted removes the object.</summary>
    private bool RemoveIfFinalized(ResourceKind kind, string? ns, string name, JsonObject obj)
    {
        if (obj["metadata"]?["deletionTimestamp"] is null || obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
        {
            return false;
        }

        _objects[kind].Remove(Key(ns, name));
        _resourceVersion++;
        CollectDependents(obj);
        return true;
    }

    /// <summary>The garbage collector's part: dependents of a deleted owner go too, unless orphaned.</summary>
    private void CollectDependents(JsonObject owner)
    {
        var uid = (string?)owner["metadata"]?["uid"];
        if (uid is null)
        {
            return;
        }

        var orphan = CurrentPropagation.Value == "Orphan";
        var dependents = _objects
            .SelectMany(table => table.Value.Values.Select(o => (Kind: table.Key, Object: o)))
            .Where(d => d.Object["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r?["uid"] == uid))
            .ToList();
        foreach (var (kind, dependent) in dependents)
        {
            var ns = Namespace(dependent);
            var name = (string)dependent["metadata"]!["name"]!;
            if (!_objects[kind].ContainsKey(Key(ns, name)))
            {
                continue;
            }

            if (orphan)
            {
                var kept = dependent.DeepClone().AsObject();
                var refs = (JsonArray)kept["metadata"]!["ownerReferences"]!;
                foreach (var reference in refs.Where(r => (string?)r?["uid"] == uid).ToList())
                {
                    refs.Remove(reference);
                }

                if (refs.Count == 0)
                {
                    Metadata(kept).Remove("ownerReferences");
                }

                Commit(kind, ns, name, kept, false);
            }
            else
            {
                Delete(kind, ns, name);
            }
        }
    }
}
