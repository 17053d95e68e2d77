using System.Text.Json.Nodes;

namespace Mesh.Build.Kubernetes;

/// <summary>What "ready" means for the kinds we wait on, as checks for <see cref="Cluster.WaitAsync"/>.</summary>
public static class Workloads
{
    /// <summary>Rolled out: the controller saw the newest spec, every replica is updated and available, and there is at least one.</summary>
    public static WaitState DeploymentAvailable(JsonObject? deployment)
    {
        if (deployment is null)
        {
            return WaitState.Pending("it does not exist");
        }

        var generation = (long?)deployment["metadata"]?["generation"] ?? 0;
        var status = deployment["status"];
        var observed = (long?)status?["observedGeneration"] ?? 0;
        var wanted = (int?)deployment["spec"]?["replicas"] ?? 1;
        var updated = (int?)status?["updatedReplicas"] ?? 0;
        var available = (int?)status?["availableReplicas"] ?? 0;
        var total = (int?)status?["replicas"] ?? 0;
        var condition = Condition(deployment, "Available");
        var seen = $"{available}/{wanted} available, {updated} updated{(condition is null ? string.Empty : $", Available={(string?)condition["status"]} {(string?)condition["reason"]}")}";
        if (wanted == 0)
        {
            return WaitState.Pending("scaled to 0 replicas");
        }

        return observed >= generation && updated >= wanted && available >= wanted && total <= updated
            ? WaitState.Ready(seen)
            : WaitState.Pending(seen);
    }

    /// <summary>Finished: Complete, or Failed (which is a result too: the caller reads why).</summary>
    public static WaitState JobFinished(JsonObject? job)
    {
        if (job is null)
        {
            return WaitState.Failed("it was deleted before it finished (by another run?)");
        }

        var finished = (job["status"]?["conditions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(condition => (string?)condition["type"] is "Complete" or "Failed" && (string?)condition["status"] == "True");
        return finished is null
            ? WaitState.Pending($"active {(int?)job["status"]?["active"] ?? 0}, failed {(int?)job["status"]?["failed"] ?? 0}")
            : WaitState.Ready((string)finished["type"]!);
    }

    /// <summary>A CRD the server serves: Established.</summary>
    public static WaitState CrdEstablished(JsonObject? crd)
    {
        var established = Condition(crd, "Established");
        return (string?)established?["status"] == "True"
            ? WaitState.Ready("Established")
            : WaitState.Pending(established is null ? "no Established condition yet" : $"Established={(string?)established["status"]} {(string?)established["reason"]}");
    }

    /// <summary>An object being deleted: gone. Until then, what holds it (its finalizers, a namespace's phase).</summary>
    public static WaitState Gone(JsonObject? obj)
    {
        if (obj is null)
        {
            return WaitState.Ready("gone");
        }

        var finalizers = (obj["metadata"]?["finalizers"] as JsonArray ?? []).Select(finalizer => (string?)finalizer).ToList();
        var phase = (string?)obj["status"]?["phase"];
        return WaitState.Pending(
            $"{(obj["metadata"]?["deletionTimestamp"] is null ? "not being deleted" : "being deleted")}" +
            $"{(phase is null ? string.Empty : $", phase {phase}")}{(finalizers.Count == 0 ? string.Empty : $", finalizers {string.Join(", ", finalizers)}")}");
    }

    /// <summary>The status condition of a type, when the object reports one.</summary>
    public static JsonObject? Condition(JsonObject? obj, string type) =>
        (obj?["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(condition => (string?)condition["type"] == type);
}
