using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// Jobs run their pod through <see cref="SimulatedCluster.RunPod"/>: here a hook that exits and logs what
/// the pod's <c>test/exit</c> and <c>test/log</c> annotations say, so one test class covers success and failure.
/// </summary>
public sealed class JobControllerTests : IClassFixture<SimulatorFixture>
{
    private readonly SimulatorFixture _fixture;
    private readonly ControllerTestKit _kit;

    public JobControllerTests(SimulatorFixture fixture)
    {
        _fixture = fixture;
        _kit = new ControllerTestKit(fixture);
        fixture.Cluster.RunPod = (pod, _) => new PodRun(
            int.Parse((string?)pod["metadata"]!["annotations"]?["test/exit"] ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            (string?)pod["metadata"]!["annotations"]?["test/log"] ?? "");
    }

    [Fact]
    public async Task A_job_completes_and_kubectl_logs_prints_what_its_pod_logged()
    {
        var ns = await _kit.NamespaceAsync("job");
        await _kit.ApplyAsync(ns, Job("probe", exit: 0, log: "reached httpbin: 200", backoffLimit: 0));

        var wait = await _kit.KubectlAsync("wait", "--for=condition=complete", "job/probe", "-n", ns, "--timeout=10s");
        var logs = await _kit.KubectlAsync("logs", "job/probe", "-n", ns);

        Assert.True(wait.ExitCode == 0, wait.Output);
        Assert.Contains("job.batch/probe condition met", wait.Output);
        Assert.True(logs.ExitCode == 0, logs.Output);
        Assert.Equal("reached httpbin: 200", logs.Output.Trim());
        var job = _fixture.Cluster.Store.Get(ObjectStore.Kind("Job"), ns, "probe");
        Assert.Equal(1, (int)job["status"]!["succeeded"]!);
        Assert.Equal(["SuccessCriteriaMet", "Complete"], job["status"]!["conditions"]!.AsArray().Select(c => (string)c!["type"]!));
        var pod = Assert.Single(Pods(ns, "job-name=probe"));
        Assert.Equal("probe", (string?)pod["metadata"]!["labels"]!["batch.kubernetes.io/job-name"]);
        Assert.Equal("Succeeded", (string?)pod["status"]!["phase"]);
        Assert.Equal(0, (int)pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!);
    }

    [Fact]
    public async Task A_failing_pod_fails_the_job_after_backoff_limit_plus_one_tries()
    {
        var ns = await _kit.NamespaceAsync("job");
        await _kit.ApplyAsync(ns, Job("broken", exit: 7, log: "connection refused", backoffLimit: 1));

        var wait = await _kit.KubectlAsync("wait", "--for=condition=failed", "job/broken", "-n", ns, "--timeout=10s");
        var complete = await _kit.KubectlAsync("wait", "--for=condition=complete", "job/broken", "-n", ns, "--timeout=1s");

        Assert.True(wait.ExitCode == 0, wait.Output);
        Assert.NotEqual(0, complete.ExitCode);
        var job = _fixture.Cluster.Store.Get(ObjectStore.Kind("Job"), ns, "broken");
        Assert.Equal(2, (int)job["status"]!["failed"]!);
        var failed = job["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Failed")!;
        Assert.Equal("BackoffLimitExceeded", (string?)failed["reason"]);
        var pods = Pods(ns, "job-name=broken");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, pod =>
        {
            Assert.Equal("Failed", (string?)pod["status"]!["phase"]);
            Assert.Equal(7, (int)pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!);
        });
        var logs = await _kit.KubectlAsync("logs", (string)pods[0]["metadata"]!["name"]!, "-n", ns);
        Assert.Equal("connection refused", logs.Output.Trim());
    }

    private List<JsonObject> Pods(string ns, string selector) =>
        [.. _fixture.Cluster.Store.List(ObjectStore.Kind("Pod"), ns, LabelSelector.Parse(selector), _ => true)["items"]!.AsArray().OfType<JsonObject>()];

    private static string Job(string name, int exit, string log, int backoffLimit) => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: {{name}}}
        spec:
          backoffLimit: {{backoffLimit}}
          template:
            metadata:
              annotations: {test/exit: "{{exit}}", test/log: "{{log}}"}
            spec:
              restartPolicy: Never
              containers: [{name: main, image: curlimages/curl}]
        """;
}
