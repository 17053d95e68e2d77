using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The kubelet's part, on one pretend node: a pod runs <see cref="ControllerOptions.ReadyDelay"/> after
/// it appears. A Job's pod runs to its end through the RunPod hook (on a worker thread), then is
/// Succeeded or Failed with each container terminated; any other pod becomes Running and Ready, with a
/// status for every container the stored pod has (admission may have added some).
/// </summary>
public sealed partial class ControllerManager
{
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private int _nextPodIp = 10;

    private void RunKubelet()
    {
        while (_finishedRuns.TryDequeue(out var finished))
        {
            _running.Remove(finished.Uid);
            store.PodLogs[finished.Uid] = finished.Run.Log;
            try
            {
                var pod = store.Get(K("Pod"), finished.Ns, finished.Name);
                if (Uid(pod) == finished.Uid)
                {
                    WriteStatus("Pod", pod, Terminated(pod, finished.Run.ExitCode));
                }
            }
            catch (ApiError error) when (error.Code == 404)
            {
            }
        }

        var deployments = All("Deployment").ToDictionary(Uid);
        var replicaSets = All("ReplicaSet").ToDictionary(Uid);
        var pods = All("Pod");
        var live = pods.Concat(All("Service")).Select(Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _firstSeen.Keys.Where(uid => !live.Contains(uid) && !_running.Contains(uid)).ToList())
        {
            _firstSeen.Remove(gone);
        }

        foreach (var gone in store.PodLogs.Keys.Where(uid => !live.Contains(uid)))
        {
            store.PodLogs.TryRemove(gone, out _);
        }

        foreach (var pod in pods.Where(p => !Deleting(p)))
        {
            var phase = (string?)pod["status"]?["phase"];
            if (phase is "Succeeded" or "Failed" || !Due(Uid(pod)))
            {
                continue;
            }

            var ownerKind = (string?)pod["metadata"]?["ownerReferences"]?[0]?["kind"];
            if (ownerKind == "Job")
            {
                if (_running.Add(Uid(pod)))
                {
                    WriteStatus("Pod", pod, Running(pod, ready: true));
                    var started = store.Get(K("Pod"), Ns(pod), Name(pod));
                    _ = Task.Run(() =>
                    {
                        PodRun run;
                        try
                        {
                            run = runPod(started);
                        }
                        catch (Exception error)
                        {
                            run = new PodRun(1, error.Message);
                        }

                        _finishedRuns.Enqueue((Ns(started), Name(started), Uid(started), run));
                        Kick();
                    });
                }

                continue;
            }

            WriteStatus("Pod", pod, Running(pod, ready: !NeverReady(pod, replicaSets, deployments)));
        }
    }

    private static bool NeverReady(JsonObject pod, Dictionary<string, JsonObject> replicaSets, Dictionary<string, JsonObject> deployments)
    {
        static bool Marked(JsonObject? obj) => (string?)obj?["metadata"]?["annotations"]?[NeverReadyAnnotation] == "true";
        var rs = replicaSets.GetValueOrDefault((string?)pod["metadata"]?["ownerReferences"]?[0]?["uid"] ?? "");
        var deployment = deployments.GetValueOrDefault((string?)rs?["metadata"]?["ownerReferences"]?[0]?["uid"] ?? "");
        return Marked(pod) || Marked(rs) || Marked(deployment);
    }

    private JsonObject Running(JsonObject pod, bool ready)
    {
        var old = pod["status"] as JsonObject;
        var status = BaseStatus(pod, "Running");
        status["conditions"] = new JsonArray(
            Condition(old, "PodReadyToStartContainers", true, "", "", probeTime: true),
            Condition(old, "Initialized", true, "", "", probeTime: true),
            Condition(old, "Ready", ready, ready ? "" : "ContainersNotReady", ready ? "" : "containers with unready status: [" + string.Join(' ', ContainerNames(pod)) + "]", probeTime: true),
            Condition(old, "ContainersReady", ready, ready ? "" : "ContainersNotReady", ready ? "" : "containers with unready status: [" + string.Join(' ', ContainerNames(pod)) + "]", probeTime: true),
            Condition(old, "PodScheduled", true, "", "", probeTime: true));
        foreach (var condition in status["conditions"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["reason"] == ""))
        {
            condition.Remove("reason");
            condition.Remove("message");
        }

        var startedAt = (string)status["startTime"]!;
        status["containerStatuses"] = new JsonArray([.. Containers(pod).Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c["name"]!.DeepClone(),
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = startedAt } },
            ["lastState"] = new JsonObject(),
            ["ready"] = ready,
            ["restartCount"] = 0,
            ["image"] = c["image"]?.DeepClone(),
            ["imageID"] = c["image"]?.DeepClone(),
            ["containerID"] = $"containerd://{Hash(new JsonArray(Uid(pod), (string?)c["name"]), 32)}",
            ["started"] = true,
        })]);
        return status;
    }

    private static JsonObject Terminated(JsonObject pod, int exitCode)
    {
        var status = pod["status"]!.DeepClone().AsObject();
        var now = Now();
        status["phase"] = exitCode == 0 ? "Succeeded" : "Failed";
        foreach (var condition in status["conditions"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["type"] is "Ready" or "ContainersReady"))
        {
            condition["status"] = "False";
            condition["reason"] = "PodCompleted";
            condition["lastTransitionTime"] = now;
        }

        foreach (var container in status["containerStatuses"]!.AsArray().OfType<JsonObject>())
        {
            var startedAt = container["state"]?["running"]?["startedAt"]?.DeepClone();
            container["state"] = new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = exitCode,
                    ["reason"] = exitCode == 0 ? "Completed" : "Error",
                    ["startedAt"] = startedAt,
                    ["finishedAt"] = now,
                    ["containerID"] = container["containerID"]?.DeepClone(),
                },
            };
            container["ready"] = false;
            container["started"] = false;
        }

        return status;
    }

    private JsonObject BaseStatus(JsonObject pod, string phase)
    {
        var old = pod["status"] as JsonObject;
        var ip = (string?)old?["podIP"] ?? $"10.244.{_nextPodIp / 250}.{(_nextPodIp++ % 250) + 1}";
        return new JsonObject
        {
            ["phase"] = phase,
            ["hostIP"] = network.NodeAddress.ToString(),
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = network.NodeAddress.ToString() }),
            ["podIP"] = ip,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
            ["startTime"] = old?["startTime"]?.DeepClone() ?? Now(),
            ["qosClass"] = old?["qosClass"]?.DeepClone() ?? "BestEffort",
        };
    }

    private static IEnumerable<JsonObject> Containers(JsonObject pod) => (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>();

    private static IEnumerable<string> ContainerNames(JsonObject pod) => Containers(pod).Select(c => (string?)c["name"] ?? "");
}
