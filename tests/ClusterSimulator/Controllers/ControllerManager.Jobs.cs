using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Jobs: one pod at a time from the template (labelled <c>job-name</c> and
/// <c>batch.kubernetes.io/job-name</c>, owned by the Job) until one succeeds or more than
/// <c>spec.backoffLimit</c> have failed (0: one try). Then, as Kubernetes 1.35 reports it,
/// SuccessCriteriaMet and Complete, or FailureTarget and Failed.
/// </summary>
public sealed partial class ControllerManager
{
    private void ReconcileJobs()
    {
        var pods = All("Pod");
        foreach (var job in All("Job").Where(j => !Deleting(j) && !Finished(j)))
        {
            var owned = pods.Where(p => OwnedBy(p, Uid(job))).ToList();
            var succeeded = owned.Count(p => (string?)p["status"]?["phase"] == "Succeeded");
            var failed = owned.Count(p => (string?)p["status"]?["phase"] == "Failed");
            var active = owned.Count - succeeded - failed;
            if (active == 0 && succeeded < Int(job["spec"]!["completions"], 1) && failed <= Int(job["spec"]!["backoffLimit"], 6))
            {
                var template = job["spec"]!["template"]!.DeepClone().AsObject();
                var metadata = template["metadata"] as JsonObject ?? [];
                template["metadata"] = metadata;
                var labels = metadata["labels"] as JsonObject ?? [];
                metadata["labels"] = labels;
                labels["job-name"] ??= Name(job);
                labels["batch.kubernetes.io/job-name"] ??= Name(job);
                CreatePod(job, template, Name(job) + "-");
            }
        }
    }

    private static bool Finished(JsonObject job) =>
        (job["status"]?["conditions"] as JsonArray ?? []).Any(c => (string?)c?["type"] is "Complete" or "Failed" && (string?)c?["status"] == "True");

    private void JobStatuses()
    {
        var pods = All("Pod");
        foreach (var job in All("Job").Where(j => !Finished(j)))
        {
            var owned = pods.Where(p => OwnedBy(p, Uid(job))).ToList();
            var succeeded = owned.Count(p => (string?)p["status"]?["phase"] == "Succeeded");
            var failed = owned.Count(p => (string?)p["status"]?["phase"] == "Failed");
            var active = owned.Count - succeeded - failed;
            var old = job["status"];
            var status = new JsonObject { ["startTime"] = old?["startTime"]?.DeepClone() ?? Now() };
            Count(status, "active", active);
            Count(status, "succeeded", succeeded);
            Count(status, "failed", failed);
            status["ready"] = owned.Count(p => PodReady(p) && (string?)p["status"]?["phase"] == "Running");
            status["terminating"] = 0;
            status["uncountedTerminatedPods"] = new JsonObject();
            if (succeeded >= Int(job["spec"]!["completions"], 1))
            {
                const string message = "Reached expected number of succeeded pods";
                status["completionTime"] = Now();
                status["conditions"] = new JsonArray(
                    Condition(old, "SuccessCriteriaMet", true, "CompletionsReached", message, probeTime: true),
                    Condition(old, "Complete", true, "CompletionsReached", message, probeTime: true));
            }
            else if (failed > Int(job["spec"]!["backoffLimit"], 6))
            {
                const string message = "Job has reached the specified backoff limit";
                status["conditions"] = new JsonArray(
                    Condition(old, "FailureTarget", true, "BackoffLimitExceeded", message, probeTime: true),
                    Condition(old, "Failed", true, "BackoffLimitExceeded", message, probeTime: true));
            }

            WriteStatus("Job", job, status);
        }
    }
}
