using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;

namespace Mesh.Build.Istio;

/// <summary>How a probe Job ended: whether it completed, the HTTP statuses it printed, its log, and why it failed if it did.</summary>
public sealed partial record ProbeResult(string Name, bool Completed, IReadOnlyList<string> HttpCodes, string Log, string Reason)
{
    /// <summary>Completed and every call answered 200.</summary>
    public bool Succeeded => Completed && HttpCodes.Count > 0 && HttpCodes.All(code => code == "200");

    public string Describe() =>
        $"{Name}: {(Completed ? "completed" : "failed")}, HTTP {(HttpCodes.Count == 0 ? "none" : string.Join(" ", HttpCodes))}{(Reason.Length == 0 ? string.Empty : $" ({Reason})")}; log: {Log.Trim().ReplaceLineEndings(" | ")}";

    /// <summary>
    /// What the call showed, as a person says it: <c>HTTP 200</c>, <c>refused (curl 56)</c> when the connection was
    /// reset or refused, <c>timed out (curl 28)</c>; the HTTP status when one came back without curl failing.
    /// </summary>
    public string Shown()
    {
        var answered = HttpCodes.Where(code => code != "000").ToList();
        if (Succeeded || (answered.Count > 0 && CurlError().Match(Log) is not { Success: true }))
        {
            return $"HTTP {string.Join(" ", answered)}";
        }

        return CurlError().Match(Log) is { Success: true } error
            ? $"{(error.Groups[1].Value == "28" ? "timed out" : "refused")} (curl {error.Groups[1].Value})"
            : $"no answer ({(Reason.Length == 0 ? "no HTTP status in its log" : Reason)})";
    }

    internal static IReadOnlyList<string> CodesIn(string log) => [.. HttpCode().Matches(log).Select(match => match.Value)];

    [GeneratedRegex(@"(?m)^\d{3}(?=curl:|\s|$)")]
    private static partial Regex HttpCode();

    [GeneratedRegex(@"curl: \((\d+)\)")]
    private static partial Regex CurlError();
}

/// <summary>
/// Runs a short-lived Job from manifests/mtls/probe-job.yaml with a script from probe-scripts.yaml, waits for
/// it to finish, reads its result and log, and deletes it. A leftover of an interrupted run is removed first.
/// </summary>
public static class ProbeJob
{
    public static async Task<ProbeResult> RunAsync(
        Cluster cluster, string manifests, TimeSpan waitTimeout, string name, string ns, IReadOnlyDictionary<string, string> labels, string script, string url, Func<string, string>? image = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var scripts = ManifestTemplate.RenderOne(Path.Combine(manifests, "mtls/probe-scripts.yaml"), new Dictionary<string, object?> { ["url"] = url });
        var job = ManifestTemplate.RenderOne(Path.Combine(manifests, "mtls/probe-job.yaml"), new Dictionary<string, object?>
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = labels,
            ["script"] = (string?)scripts[script] ?? throw new ArgumentException($"No probe script '{script}'.", nameof(script)),
        });

        foreach (var container in job["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? [])
        {
            container!["image"] = (image ?? (reference => reference))((string)container["image"]!);
        }

        if (await cluster.DeleteAsync("batch/v1", "Job", name, ns))
        {
            await cluster.WaitAsync("batch/v1", "Job", name, ns, "gone", gone => gone is null ? WaitState.Ready("deleted") : WaitState.Pending("being deleted"), waitTimeout);
        }

        try
        {
            await cluster.ApplyAsync(job, force: true);
            var finished = await cluster.WaitAsync("batch/v1", "Job", name, ns, "finished", Workloads.JobFinished, waitTimeout);
            var log = await LogsAsync(cluster, name, ns);
            var failed = Workloads.Condition(finished, "Failed") is { } condition && (string?)condition["status"] == "True" ? condition : null;
            var reason = failed is null ? string.Empty : $"{(string?)failed["reason"]}: {(string?)failed["message"]}";
            return new ProbeResult(name, failed is null, ProbeResult.CodesIn(log), log, reason);
        }
        finally
        {
            await cluster.DeleteAsync("batch/v1", "Job", name, ns);
        }
    }

    private static async Task<string> LogsAsync(Cluster cluster, string name, string ns)
    {
        var pod = (await cluster.ListAsync("v1", "Pod", ns, $"job-name={name}"))
            .OrderByDescending(candidate => (string?)candidate["metadata"]?["creationTimestamp"], StringComparer.Ordinal)
            .FirstOrDefault();
        if (pod is null)
        {
            return "(no log: the Job has no pod)";
        }

        try
        {
            return await cluster.GetRawAsync($"/api/v1/namespaces/{ns}/pods/{(string?)pod["metadata"]?["name"]}/log?container=probe");
        }
        catch (KubernetesApiException e)
        {
            return $"(no log: {e.Message})";
        }
    }
}
