using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// What the real API server fills in on a write to the kinds the controllers run: a pod starts
/// <c>Pending</c>, a Job gets its selector and template labels, a NodePort or LoadBalancer service its
/// node ports. Pod logs live here too, keyed by pod uid, for <c>GET .../pods/NAME/log</c>.
/// </summary>
public sealed partial class ObjectStore
{
    private readonly HashSet<int> _nodePorts = [];

    /// <summary>Each pod's log, by pod uid: what <c>kubectl logs</c> prints. The kubelet simulation writes it.</summary>
    public ConcurrentDictionary<string, string> PodLogs { get; } = new(StringComparer.Ordinal);

    private void WorkloadDefaults(ResourceKind kind, JsonObject obj, string name)
    {
        switch (kind.Kind)
        {
            case "Pod":
                obj["status"] ??= new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
                break;
            case "ReplicaSet" or "StatefulSet" or "DaemonSet" or "Job":
                obj["status"] ??= new JsonObject();
                if (kind.Kind == "Job")
                {
                    DefaultJob(obj, name);
                }
                else if (kind.Kind != "ReplicaSet")
                {
                    // kubectl rollout status needs the default update strategy.
                    var spec = obj["spec"] as JsonObject ?? [];
                    obj["spec"] = spec;
                    spec["updateStrategy"] ??= kind.Kind == "StatefulSet"
                        ? new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } }
                        : new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 } };
                    if (kind.Kind == "StatefulSet")
                    {
                        spec["replicas"] ??= 1;
                    }
                }

                break;
            case "Service" when ((string?)obj["spec"]?["type"]) is "NodePort" or "LoadBalancer":
                foreach (var port in (obj["spec"]!["ports"] as JsonArray ?? []).OfType<JsonObject>().Where(p => p["nodePort"] is null))
                {
                    int candidate;
                    do
                    {
                        candidate = RandomNumberGenerator.GetInt32(30000, 32768);
                    }
                    while (!_nodePorts.Add(candidate));
                    port["nodePort"] = candidate;
                }

                break;
        }
    }

    // As the real server does without manualSelector: the selector and template labels name the Job's uid.
    private static void DefaultJob(JsonObject job, string name)
    {
        var uid = (string)job["metadata"]!["uid"]!;
        var spec = job["spec"] as JsonObject ?? [];
        job["spec"] = spec;
        spec["backoffLimit"] ??= 6;
        spec["completions"] ??= 1;
        spec["parallelism"] ??= 1;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        if (spec["selector"] is null)
        {
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
            var template = spec["template"] as JsonObject ?? [];
            spec["template"] = template;
            var metadata = template["metadata"] as JsonObject ?? [];
            template["metadata"] = metadata;
            var labels = metadata["labels"] as JsonObject ?? [];
            metadata["labels"] = labels;
            labels["batch.kubernetes.io/controller-uid"] = uid;
            labels["batch.kubernetes.io/job-name"] = name;
            labels["controller-uid"] = uid;
            labels["job-name"] = name;
        }
    }
}
