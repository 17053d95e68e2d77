using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Strategic merge patch for the list fields charts touch: lists of containers, ports, env, volumes and
/// the like merge item by item on their merge key; every other list is replaced whole. Supports the
/// <c>$patch: delete|replace</c> and <c>$retainKeys</c> directives; <c>$setElementOrder/...</c> (sent by
/// client-side apply) only orders, so it is ignored. Server-side apply merges with the same keys.
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

    public static JsonObject Apply(JsonObject target, JsonObject patch) => MergeObject(target, patch, false) ?? [];

    private static JsonObject? MergeObject(JsonObject? target, JsonObject patch, bool inListItem)
    {
        switch ((string?)patch["$patch"])
        {
            case "delete":
                return null;
            case "replace":
                return MergeObject(null, WithoutDirective(patch), inListItem);
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
            else if (value is JsonArray list && MergeKey(key, inListItem) is { } mergeKey)
            {
                result[key] = MergeList(result[key] as JsonArray, list, mergeKey);
            }
            else if (value is JsonObject child && MergeObject(result[key] as JsonObject, child, false) is { } merged)
            {
                result[key] = merged;
            }
            else if (value is JsonObject)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Clean(value);
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

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string mergeKey)
    {
        if (patch.Any(i => i is JsonObject o && (string?)o["$patch"] == "replace" && o.Count == 1))
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && (string?)o["$patch"] == "replace" && o.Count == 1)).Select(Clean)]);
        }

        var result = target?.DeepClone().AsArray() ?? [];
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var index = IndexOf(result, mergeKey, patchItem[mergeKey]);
            var merged = MergeObject(index >= 0 ? result[index] as JsonObject : null, patchItem, true);
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

    public static int IndexOf(JsonArray list, string mergeKey, JsonNode? keyValue)
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
    private static JsonNode? Clean(JsonNode? value) => value switch
    {
        JsonObject o => MergeObject(null, o, false),
        JsonArray a => new JsonArray([.. a.Select(Clean)]),
        _ => value?.DeepClone(),
    };
}
