using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary><c>DELETE</c> on a list path: every selected object goes, and the answer lists them.</summary>
public static class DeleteCollection
{
    public static JsonObject Run(ObjectStore store, ResourceKind kind, string? ns, LabelSelector labels, Func<JsonObject, bool> fields, bool dryRun)
    {
        if (kind.Namespaced && ns is null)
        {
            throw new ApiError(405, "MethodNotAllowed", $"deletecollection of {kind.GroupResource} needs a namespace here");
        }

        var list = store.List(kind, ns, labels, fields);
        foreach (var item in list["items"]!.AsArray())
        {
            try
            {
                store.Delete(kind, ns, (string)item!["metadata"]!["name"]!, dryRun);
            }
            catch (ApiError error) when (error.Code == 404)
            {
                // Deleted by someone else meanwhile: gone either way.
            }
        }

        return list;
    }
}
