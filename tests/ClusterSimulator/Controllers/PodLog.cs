using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The pod <c>log</c> subresource: the log the simulated kubelet stored for the pod (by uid, in
/// <see cref="ObjectStore.PodLogs"/>) for its first container, as text/plain; empty for a pod that logged nothing.
/// </summary>
public static class PodLog
{
    public static async Task<(int Code, JsonNode? Body)> ServeAsync(HttpContext context, ObjectStore store, string? ns, string name)
    {
        if (context.Request.Method != HttpMethods.Get)
        {
            throw new ApiError(405, "MethodNotAllowed", "the pod log subresource only answers GET");
        }

        var pod = store.Get(ObjectStore.Kind("Pod"), ns, name);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?["name"]).ToList();
        var container = context.Request.Query["container"].ToString();
        if (container.Length > 0 && !containers.Contains(container))
        {
            throw ApiError.BadRequest($"container {container} is not valid for pod {name}");
        }

        // The stored log is the first container's (the one a Job runs); any other container logged nothing.
        var log = container.Length == 0 || container == containers.FirstOrDefault()
            ? store.PodLogs.GetValueOrDefault((string)pod["metadata"]!["uid"]!, "")
            : "";
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(log);
        return (200, null);
    }
}
