using System.Text.Json.Nodes;

namespace Mesh.Build.Charts;

/// <summary>A user's chart values over ours, as helm merges several <c>-f</c> files: maps merge key by key, anything else is replaced by the later file's.</summary>
public static class ValuesOverlay
{
    /// <summary>A new object: <paramref name="ours"/> with <paramref name="theirs"/> merged over it; neither is changed.</summary>
    public static JsonObject Merge(JsonObject ours, JsonObject theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        var merged = ours.DeepClone().AsObject();
        foreach (var (key, value) in theirs)
        {
            merged[key] = merged[key] is JsonObject mine && value is JsonObject yours ? Merge(mine, yours) : value?.DeepClone();
        }

        return merged;
    }
}
