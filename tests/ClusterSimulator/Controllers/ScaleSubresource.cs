using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The <c>scale</c> subresource of Deployments, ReplicaSets, StatefulSets and ReplicationControllers (what <c>kubectl scale</c>
/// uses): an autoscaling/v1 Scale read from, and written to, the object's <c>spec.replicas</c>.
/// </summary>
public static class ScaleSubresource
{
    public static bool Scales(ResourceKind kind) => kind.Model is not null && kind.Subresources.Contains("scale");

    public static JsonObject Serve(ObjectStore store, ResourceKind kind, string? ns, string name, string method, JsonObject? body)
    {
        if (method is "PUT" or "PATCH")
        {
            var replicas = body?["spec"]?["replicas"]?.DeepClone() ?? throw ApiError.BadRequest("the Scale has no spec.replicas");
            store.MergePatch(kind, ns, name, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } });
        }
        else if (method != "GET")
        {
            throw new ApiError(405, "MethodNotAllowed", $"the scale subresource of {kind.GroupResource} answers GET, PUT and PATCH");
        }

        var obj = store.Get(kind, ns, name);
        var metadata = obj["metadata"]!;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = obj["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = obj["status"]?["replicas"]?.DeepClone() ?? 0,
                ["selector"] = Selector(obj["spec"]?["selector"]),
            },
        };
    }

    private static string Selector(JsonNode? selector) =>
        string.Join(',', (selector?["matchLabels"] as JsonObject ?? []).Select(l => $"{l.Key}={l.Value}"));
}
