using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Deployment -> ReplicaSet <c>&lt;deployment&gt;-&lt;template hash&gt;</c> -> pods <c>&lt;replicaset&gt;-&lt;random5&gt;</c>.
/// A template change makes a new ReplicaSet at full size and scales the old ones down as its pods become
/// ready. The annotation <c>simulator.mesh/never-ready: "true"</c> on a Deployment keeps its
/// pods Running but never Ready, for tests of timeouts; it is read on every pass.
/// </summary>
public sealed partial class ControllerManager
{
    /// <summary>On a Deployment (or a pod template): its pods run but never become Ready.</summary>
    public const string NeverReadyAnnotation = "simulator.mesh/never-ready";

    private const string TemplateHashLabel = "pod-template-hash";

    private void ReconcileDeployments()
    {
        var replicaSets = All("ReplicaSet");
        var pods = All("Pod");
        foreach (var deployment in All("Deployment").Where(d => !Deleting(d)))
        {
            var ns = Ns(deployment);
            var template = deployment["spec"]!["template"]!.AsObject();
            var hash = Hash(template);
            var newName = $"{Name(deployment)}-{hash}";
            var owned = replicaSets.Where(rs => OwnedBy(rs, Uid(deployment))).ToList();
            var replicas = Int(deployment["spec"]!["replicas"], 1);
            var current = owned.FirstOrDefault(rs => Name(rs) == newName);
            var orphan = replicaSets.FirstOrDefault(rs => Ns(rs) == ns && Name(rs) == newName && rs["metadata"]?["ownerReferences"] is null);
            if (current is null && orphan is not null)
            {
                // As the real controller adopts the ReplicaSet a delete with --cascade=orphan left behind.
                store.MergePatch(K("ReplicaSet"), ns, newName, new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = OwnerReference(deployment) } });
            }
            else if (current is null)
            {
                var revision = owned.Select(rs => int.TryParse((string?)rs["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"], out var r) ? r : 0).DefaultIfEmpty(0).Max() + 1;
                var podTemplate = template.DeepClone().AsObject();
                var metadata = podTemplate["metadata"] as JsonObject ?? [];
                podTemplate["metadata"] = metadata;
                var labels = metadata["labels"]?.DeepClone() as JsonObject ?? [];
                labels[TemplateHashLabel] = hash;
                metadata["labels"] = labels;
                var selector = deployment["spec"]!["selector"]!.DeepClone().AsObject();
                var matchLabels = selector["matchLabels"] as JsonObject ?? [];
                matchLabels[TemplateHashLabel] = hash;
                selector["matchLabels"] = matchLabels;
                store.Create(K("ReplicaSet"), ns, new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = newName,
                        ["labels"] = labels.DeepClone(),
                        ["annotations"] = new JsonObject
                        {
                            ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["deployment.kubernetes.io/revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        },
                        ["ownerReferences"] = OwnerReference(deployment),
                    },
                    ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = podTemplate },
                });
            }
            else if (Int(current["spec"]!["replicas"], 1) != replicas)
            {
                Scale(current, replicas);
            }

            // The old ReplicaSets keep as many pods as the new one lacks ready ones (a surge of up to 100%),
            // so a template whose pods never become ready leaves the old pods serving, as a real rollout does.
            var newReady = pods.Count(p => current is not null && OwnedBy(p, Uid(current)) && !Deleting(p) && PodReady(p));
            var keep = Math.Max(0, replicas - newReady);
            foreach (var old in owned.Where(rs => Name(rs) != newName).OrderByDescending(rs => (string?)rs["metadata"]!["creationTimestamp"]))
            {
                var had = Int(old["spec"]!["replicas"], 1);
                var target = Math.Min(had, keep);
                keep -= target;
                if (target != had)
                {
                    Scale(old, target);
                }
            }
        }
    }

    private void Scale(JsonObject replicaSet, int replicas) =>
        store.MergePatch(K("ReplicaSet"), Ns(replicaSet), Name(replicaSet), new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } });

    private void ReconcileReplicaSets()
    {
        var pods = All("Pod");
        foreach (var replicaSet in All("ReplicaSet").Where(rs => !Deleting(rs)))
        {
            var owned = pods.Where(p => OwnedBy(p, Uid(replicaSet)) && !Deleting(p)).ToList();
            foreach (var orphan in pods.Where(p => Ns(p) == Ns(replicaSet) && !Deleting(p) && p["metadata"]?["ownerReferences"] is null
                && (string?)p["status"]?["phase"] is not ("Succeeded" or "Failed") && Selects(replicaSet["spec"]!["selector"], ObjectStore.Labels(p))))
            {
                store.MergePatch(K("Pod"), Ns(orphan), Name(orphan), new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = OwnerReference(replicaSet) } });
                owned.Add(orphan);
            }

            var want = Int(replicaSet["spec"]!["replicas"], 1);
            for (var i = owned.Count; i < want; i++)
            {
                CreatePod(replicaSet, replicaSet["spec"]!["template"]!.AsObject(), Name(replicaSet) + "-");
            }

            // Scale down: pods not ready first, then the newest.
            foreach (var extra in owned.OrderBy(p => PodReady(p) ? 1 : 0).ThenByDescending(p => (string?)p["metadata"]!["creationTimestamp"]).Take(Math.Max(0, owned.Count - want)))
            {
                store.Delete(K("Pod"), Ns(extra), Name(extra));
            }
        }
    }

    private void CreatePod(JsonObject owner, JsonObject template, string generateName)
    {
        var metadata = template["metadata"]?.DeepClone() as JsonObject ?? [];
        metadata.Remove("name");
        metadata.Remove("namespace");
        metadata["generateName"] = generateName;
        metadata["ownerReferences"] = OwnerReference(owner);
        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["nodeName"] ??= SimulatedNode.Name;
        try
        {
            store.Create(K("Pod"), Ns(owner), new JsonObject { ["metadata"] = metadata, ["spec"] = spec });
        }
        catch (ApiError error) when (error.Code is not (404 or 409))
        {
            // Refused at admission (a webhook that fails closed, a rejected template): as the real
            // controllers do after a FailedCreate event, try again a little later.
            FailedCreates[$"{Ns(owner)}/{Name(owner)}"] = error.Message;
            WakeAt(DateTime.UtcNow.AddSeconds(1));
        }
    }

    /// <summary>The last refused pod creation of each ReplicaSet or Job (NAMESPACE/NAME), what a FailedCreate event would say.</summary>
    public ConcurrentDictionary<string, string> FailedCreates { get; } = new(StringComparer.Ordinal);

    private static bool PodReady(JsonObject pod) => Endpoints.IsReady(pod);

    private void ReplicaSetStatuses()
    {
        var pods = All("Pod");
        foreach (var replicaSet in All("ReplicaSet"))
        {
            var owned = pods.Where(p => OwnedBy(p, Uid(replicaSet)) && !Deleting(p)).ToList();
            var ready = owned.Count(PodReady);
            var status = new JsonObject();
            status["replicas"] = owned.Count;
            Count(status, "fullyLabeledReplicas", owned.Count);
            Count(status, "readyReplicas", ready);
            Count(status, "availableReplicas", ready);
            status["observedGeneration"] = Generation(replicaSet);
            WriteStatus("ReplicaSet", replicaSet, status);
        }
    }

    private void DeploymentStatuses()
    {
        var replicaSets = All("ReplicaSet");
        var pods = All("Pod");
        foreach (var deployment in All("Deployment").Where(d => !Deleting(d)))
        {
            var newName = $"{Name(deployment)}-{Hash(deployment["spec"]!["template"])}";
            var owned = replicaSets.Where(rs => OwnedBy(rs, Uid(deployment))).ToList();
            var podsOf = owned.ToDictionary(Name, rs => pods.Where(p => OwnedBy(p, Uid(rs)) && !Deleting(p)).ToList());
            var all = podsOf.Values.SelectMany(p => p).ToList();
            var updated = podsOf.GetValueOrDefault(newName) ?? [];
            var ready = all.Count(PodReady);
            var want = Int(deployment["spec"]!["replicas"], 1);
            var old = deployment["status"];

            var status = new JsonObject { ["observedGeneration"] = Generation(deployment) };
            Count(status, "replicas", all.Count);
            Count(status, "updatedReplicas", updated.Count);
            Count(status, "readyReplicas", ready);
            Count(status, "availableReplicas", ready);
            Count(status, "unavailableReplicas", Math.Max(0, all.Count - ready));
            var available = ready >= want - MaxUnavailable(deployment, want);
            var finished = updated.Count == want && all.Count == want && updated.Count(PodReady) == want;
            status["conditions"] = new JsonArray(
                Condition(old, "Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", updateTime: true),
                Condition(old, "Progressing", true, finished ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", finished ? $"ReplicaSet \"{newName}\" has successfully progressed." : $"ReplicaSet \"{newName}\" is progressing.", updateTime: true));
            WriteStatus("Deployment", deployment, status);
        }
    }

    // spec.strategy.rollingUpdate.maxUnavailable, an int or a percentage rounded down; 25% by default.
    private static int MaxUnavailable(JsonObject deployment, int replicas)
    {
        var value = deployment["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"];
        if ((string?)deployment["spec"]?["strategy"]?["type"] == "Recreate")
        {
            return 0;
        }

        var text = value?.ToString() ?? "25%";
        return text.EndsWith('%') && int.TryParse(text[..^1], out var percent)
            ? replicas * percent / 100
            : int.TryParse(text, out var count) ? count : 0;
    }
}
