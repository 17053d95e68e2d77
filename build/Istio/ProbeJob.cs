using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Istio;

/// <summary>How a probe Job ended: whether it completed, the HTTP statuses it printed, its log, and why it failed if it did.</summary>
public sealed partial record ProbeResult(string Name, bool Completed, IReadOnlyList<string> HttpCodes, string Log, string Reason)
{
    /// <summary>Completed and every call answered 200.</summary>
    public bool Succeeded => Completed && HttpCodes.Count > 0 && HttpCodes.All(code => code == "200");

    public string Describe() =>
        $"{Name}: {(Completed ? "completed" : "failed")}, HTTP {(HttpCodes.Count == 0 ? "none" : string.Join(" ", HttpCodes))}{(Reason.Length == 0 ? string.Empty : $" ({Reason})")}; log: {Log.Trim().ReplaceLineEndings(" | ")}";

    internal static IReadOnlyList<string> CodesIn(string log) => [.. HttpCode().Matches(log).Select(match => match.Value)];

    [GeneratedRegex(@"(?m)^\d{3}(?=curl:|\s|$)")]
    private static partial Regex HttpCode();
}

/// <summary>
/// Runs a short-lived Job from manifests/mtls/probe-job.yaml with a script from probe-scripts.yaml, waits for
/// it to finish, reads its result and log, and deletes it. A leftover of an interrupted run is removed first.
/// </summary>
public static class ProbeJob
{
    public static async Task<ProbeResult> RunAsync(BuildContext context, string name, string ns, IReadOnlyDictionary<string, string> labels, string script, string url)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scripts = ManifestTemplate.RenderOne(context.Manifest("mtls/probe-scripts.yaml"), new Dictionary<string, object?> { ["url"] = url });
        var job = ManifestTemplate.RenderOne(context.Manifest("mtls/probe-job.yaml"), new Dictionary<string, object?>
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = labels,
            ["script"] = (string?)scripts[script] ?? throw new ArgumentException($"No probe script '{script}'.", nameof(script)),
        });

        Delete(context, name, ns, wait: true);
        try
        {
            ClusterObjects.Converge(context, job);
            var finished = await WaitAsync(context, name, ns);
            var log = Logs(context, name, ns);
            var failed = (finished["status"]?["conditions"] as JsonArray ?? [])
                .FirstOrDefault(condition => (string?)condition?["type"] == "Failed" && (string?)condition["status"] == "True");
            var reason = failed is null ? string.Empty : $"{(string?)failed["reason"]}: {(string?)failed["message"]}";
            return new ProbeResult(name, failed is null, ProbeResult.CodesIn(log), log, reason);
        }
        finally
        {
            Delete(context, name, ns, wait: false);
        }
    }

    private static async Task<JsonObject> WaitAsync(BuildContext context, string name, string ns)
    {
        var deadline = DateTimeOffset.UtcNow + context.Settings.WaitTimeout;
        while (true)
        {
            var job = ClusterObjects.Get(context, "job.v1.batch", name, ns)
                ?? throw new InvalidOperationException($"The probe Job {ns}/{name} disappeared before it finished.");
            var done = (job["status"]?["conditions"] as JsonArray ?? []).Any(condition =>
                (string?)condition?["type"] is "Complete" or "Failed" && (string?)condition["status"] == "True");
            if (done)
            {
                return job;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"The probe Job {ns}/{name} did not finish within {context.Settings.WaitTimeout}; see `kubectl describe job {name} -n {ns}` (an image that cannot be pulled, or a sidecar that kept running).");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static string Logs(BuildContext context, string name, string ns)
    {
        try
        {
            return context.KubectlLogs($"job/{name}", context.Kubectl(new KubectlLogsSettings { Container = "probe" }, ns));
        }
        catch (ToolCommandException e)
        {
            return $"(no log: {e.LastError})";
        }
    }

    // The Job's pods go with it (kubectl deletes in the background by default).
    private static void Delete(BuildContext context, string name, string ns, bool wait) =>
        context.KubectlDelete("job", [name], context.Kubectl(new KubectlDeleteSettings { IgnoreNotFound = true, Wait = wait, Timeout = context.Settings.WaitTimeout }, ns));
}
