using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Strategic merge patch for the list fields charts touch: lists of containers, ports, env, volumes and
/// the like merge item by item on their merge key; every other list is replaced whole. Supports the
/// <c>$patch: delete|replace</c> and <c>$retainKeys</c> directives; <c>$setElementOrder/...</c> (sent by
/// client-side apply) only orders, so it is ignored. Server-side apply merges the same lists, but names their
/// items by the schema's list-map keys (<see cref="ListMapKeys"/>), which for ports include the protocol.
/// </summary>
public static class StrategicMergePatch
{
    /// <summary>The merge key of list <paramref name="field"/>, or null when that list is replaced whole.</summary>
    public static string? MergeKey(string field, bool inListItem) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" => "name",

        // admissionregistration's webhook configurations: a list keyed by the webhook's name.
        "webhooks" => "name",
        "volumeMounts" => "mountPath",
        "ports" => inListItem ? "containerPort" : "port",
        _ => null,
    };

    /// <summary>
    /// The keys that name an item of list <paramref name="field"/> under server-side apply and in
    /// <c>managedFields</c> (the schema's <c>x-kubernetes-list-map-keys</c>), or null for an atomic list. They are
    /// the merge key, except for ports: a container's by <c>containerPort</c> and <c>protocol</c>, a Service's by
    /// <c>port</c> and <c>protocol</c>, so 9094/TCP and 9094/UDP are two items, not one.
    /// </summary>
    public static string[]? ListMapKeys(string field, bool inListItem) => field switch
    {
        "ports" => inListItem ? ["containerPort", "protocol"] : ["port", "protocol"],
        _ => MergeKey(field, inListItem) is { } key ? [key] : null,
    };

    /// <summary>An item's value of a list-map key; a key the item leaves out has the schema's default (<c>protocol</c>: TCP).</summary>
    public static JsonNode? KeyValue(JsonObject item, string key) => item[key]?.DeepClone() ?? (key == "protocol" ? JsonValue.Create("TCP") : null);

    /// <summary>The key fields of an item, as <c>managedFields</c> names it: <c>{"containerPort":9094,"protocol":"UDP"}</c>.</summary>
    public static JsonObject Keys(JsonObject item, string[] keys)
    {
        var named = new JsonObject();
        foreach (var key in keys)
        {
            named[key] = KeyValue(item, key);
        }

        return named;
    }

    /// <summary>Strategic merge patch: list items are matched by their merge key.</summary>
    public static JsonObject Apply(JsonObject target, JsonObject patch) => MergeObject(target, patch, false, serverSide: false) ?? [];

    /// <summary>Server-side apply's merge of an applied configuration: list items are matched by their list-map keys.</summary>
    public static JsonObject ApplyConfiguration(JsonObject target, JsonObject applied) => MergeObject(target, applied, false, serverSide: true) ?? [];

    private static JsonObject? MergeObject(JsonObject? target, JsonObject patch, bool inListItem, bool serverSide)
    {
        switch ((string?)patch["$patch"])
        {
            case "delete":
                return null;
            case "replace":
                return MergeObject(null, WithoutDirective(patch), inListItem, serverSide);
        }

        var result = target?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray list && (serverSide ? ListMapKeys(key, inListItem) : MergeKey(key, inListItem) is { } mergeKey ? [mergeKey] : null) is { } keys)
            {
                result[key] = MergeList(result[key] as JsonArray, list, keys, serverSide);
            }
            else if (value is JsonObject child && MergeObject(result[key] as JsonObject, child, false, serverSide) is { } merged)
            {
                result[key] = merged;
            }
            else if (value is JsonObject)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Clean(value, serverSide);
            }
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet(StringComparer.Ordinal);
            foreach (var key in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string[] keys, bool serverSide)
    {
        if (patch.Any(i => i is JsonObject o && (string?)o["$patch"] == "replace" && o.Count == 1))
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && (string?)o["$patch"] == "replace" && o.Count == 1)).Select(i => Clean(i, serverSide))]);
        }

        var result = target?.DeepClone().AsArray() ?? [];
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            // Strategic merge patch matches on the merge key as given; server-side apply on the keys with their defaults.
            var index = serverSide ? IndexOf(result, Keys(patchItem, keys)) : IndexOf(result, keys[0], patchItem[keys[0]]);
            var merged = MergeObject(index >= 0 ? result[index] as JsonObject : null, patchItem, true, serverSide);
            if (index >= 0 && merged is null)
            {
                result.RemoveAt(index);
            }
            else if (index >= 0)
            {
                result[index] = merged;
            }
            else if (merged is not null)
            {
                result.Add(merged);
            }
        }

        return result;
    }

    /// <summary>The position of the item named by <paramref name="keys"/> (list-map keys and their values, defaults applied), or -1.</summary>
    public static int IndexOf(JsonArray list, JsonObject keys)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(keys);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && keys.All(key => JsonNode.DeepEquals(KeyValue(o, key.Key), key.Value)))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? keyValue)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[mergeKey], keyValue))
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonObject WithoutDirective(JsonObject patch)
    {
        var copy = patch.DeepClone().AsObject();
        copy.Remove("$patch");
        return copy;
    }

    // A value as stored: with any $-directives inside it dropped.
    private static JsonNode? Clean(JsonNode? value, bool serverSide) => value switch
    {
        JsonObject o => MergeObject(null, o, false, serverSide),
        JsonArray a => new JsonArray([.. a.Select(i => Clean(i, serverSide))]),
        _ => value?.DeepClone(),
    };
}
