using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The fields an object sets, as server-side apply tracks them: one path per leaf field, atomic list or
/// merge-keyed list item. A path's elements are in the FieldsV1 spelling (<c>f:data</c>,
/// <c>k:{"name":"app"}</c>), so a set converts straight to and from <c>managedFields[].fieldsV1</c>.
/// </summary>
public static class FieldSet
{
    private const char Separator = '\n';

    // Fields the server owns; never part of what a manager sets.
    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "generateName", "uid", "resourceVersion", "generation", "creationTimestamp",
         "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    public static HashSet<string> Of(JsonObject obj)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            switch (key)
            {
                case "apiVersion" or "kind" or "status":
                    continue;
                case "metadata" when value is JsonObject metadata:
                    foreach (var (field, fieldValue) in metadata.Where(m => !ServerMetadata.Contains(m.Key)))
                    {
                        Walk(fieldValue, "f:metadata" + Separator + "f:" + field, field, false, set);
                    }

                    continue;
                default:
                    Walk(value, "f:" + key, key, false, set);
                    break;
            }
        }

        return set;
    }

    private static void Walk(JsonNode? node, string path, string field, bool inListItem, HashSet<string> set)
    {
        if (node is JsonObject obj && obj.Count > 0)
        {
            foreach (var (key, value) in obj)
            {
                Walk(value, path + Separator + "f:" + key, key, false, set);
            }
        }
        else if (node is JsonArray list && StrategicMergePatch.ListMapKeys(field, inListItem) is { } keys && list.All(i => i is JsonObject))
        {
            foreach (var item in list.Cast<JsonObject>())
            {
                var itemPath = path + Separator + "k:" + StrategicMergePatch.Keys(item, keys).ToJsonString();
                set.Add(itemPath);
                foreach (var (key, value) in item)
                {
                    Walk(value, itemPath + Separator + "f:" + key, key, true, set);
                }
            }
        }
        else
        {
            set.Add(path);
        }
    }

    /// <summary>A leaf holds a value (a field or an atomic list), unlike a merge-keyed list item.</summary>
    public static bool IsLeaf(string path) => Elements(path)[^1].StartsWith("f:", StringComparison.Ordinal);

    public static string[] Elements(string path) => path.Split(Separator);

    public static JsonObject ToFieldsV1(IEnumerable<string> set)
    {
        var root = new JsonObject();
        foreach (var path in set.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var element in Elements(path))
            {
                if (node[element] is not JsonObject child)
                {
                    child = [];
                    node[element] = child;
                }

                node = child;
            }

            if (!IsLeaf(path))
            {
                node["."] = new JsonObject();
            }
        }

        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonObject? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Read(JsonObject node, string? prefix)
        {
            foreach (var (element, child) in node)
            {
                if (element == ".")
                {
                    continue;
                }

                var path = prefix is null ? element : prefix + Separator + element;
                if (child is not JsonObject { Count: > 0 } inner || inner.ContainsKey("."))
                {
                    set.Add(path);
                }

                if (child is JsonObject next)
                {
                    Read(next, path);
                }
            }
        }

        if (fields is not null)
        {
            Read(fields, null);
        }

        return set;
    }

    /// <summary>A path as the real server prints it in conflicts: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Describe(string path) => string.Concat(Elements(path).Select(e => e.StartsWith("k:", StringComparison.Ordinal)
        ? "[" + string.Join(',', JsonNode.Parse(e[2..])!.AsObject().Select(p => $"{p.Key}={p.Value?.ToJsonString()}")) + "]"
        : "." + e[2..]));

    public static bool TryGet(JsonObject obj, string path, out JsonNode? value)
    {
        JsonNode? node = obj;
        foreach (var element in Elements(path))
        {
            if (!TryStep(node, element, out node, out _, out _))
            {
                value = null;
                return false;
            }
        }

        value = node;
        return true;
    }

    public static void Remove(JsonObject obj, string path)
    {
        var elements = Elements(path);
        JsonNode? node = obj;
        foreach (var element in elements[..^1])
        {
            if (!TryStep(node, element, out node, out _, out _))
            {
                return;
            }
        }

        if (TryStep(node, elements[^1], out _, out var parentList, out var index) && parentList is not null)
        {
            parentList.RemoveAt(index);
        }
        else if (node is JsonObject parent)
        {
            parent.Remove(elements[^1][2..]);
        }
    }

    private static bool TryStep(JsonNode? node, string element, out JsonNode? next, out JsonArray? list, out int index)
    {
        list = null;
        index = -1;
        next = null;
        if (element.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o && o.TryGetPropertyValue(element[2..], out next);
        }

        if (node is not JsonArray array)
        {
            return false;
        }

        index = StrategicMergePatch.IndexOf(array, JsonNode.Parse(element[2..])!.AsObject());
        list = array;
        next = index >= 0 ? array[index] : null;
        return index >= 0;
    }
}
