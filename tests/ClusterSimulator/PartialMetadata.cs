using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Metadata-only reads, as kube-apiserver answers them: a client whose Accept header puts
/// <c>application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1</c> (for one object) or <c>...List</c> (for a
/// list) before anything else gets each object's metadata alone, as meta.k8s.io/v1 PartialObjectMetadata; a Secret's
/// data does not travel. The media types are taken in the client's order; one this server cannot give (a Table, the
/// other one of the two) is passed over for the next, as the real server negotiates.
/// </summary>
internal static class PartialMetadata
{
    private const string GroupVersion = "meta.k8s.io/v1";

    /// <summary>Whether the request asks for metadata alone: a list's (<paramref name="list"/>) or one object's.</summary>
    public static bool Wanted(HttpRequest request, bool list)
    {
        var wanted = list ? "PartialObjectMetadataList" : "PartialObjectMetadata";
        foreach (var range in request.Headers.Accept.SelectMany(header => (header ?? string.Empty).Split(',')))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts[0] is not ("application/json" or "application/*" or "*/*"))
            {
                continue;
            }

            var parameters = parts.Skip(1).Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
            if (!parameters.TryGetValue("as", out var transform))
            {
                return false;
            }

            if (transform == wanted && parameters.GetValueOrDefault("g") == "meta.k8s.io" && parameters.GetValueOrDefault("v") is "v1" or "v1beta1")
            {
                return true;
            }
        }

        return false;
    }

    public static JsonObject Of(JsonObject obj) => new()
    {
        ["apiVersion"] = GroupVersion,
        ["kind"] = "PartialObjectMetadata",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    public static JsonObject OfList(JsonObject list) => new()
    {
        ["apiVersion"] = GroupVersion,
        ["kind"] = "PartialObjectMetadataList",
        ["metadata"] = list["metadata"]?.DeepClone(),
        ["items"] = new JsonArray([.. (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(item => (JsonNode)Of(item))]),
    };
}
