namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// A Deployment annotated <c>simulator.mesh/never-ready: "true"</c> runs pods that never become Ready, so
/// kubectl and helm give up with their own timeout errors, and its EndpointSlice lists the pods not ready.
/// </summary>
public sealed class NeverReadyTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    [Fact]
    public async Task Kubectl_rollout_status_times_out_on_a_deployment_that_never_becomes_ready()
    {
        var ns = await _kit.NamespaceAsync("never");
        await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("stuck", 1, annotations: "{simulator.mesh/never-ready: \"true\"}") + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: stuck}
            spec:
              selector: {app: stuck}
              ports: [{port: 80}]
            """);

        var rollout = await _kit.KubectlAsync("rollout", "status", "deployment/stuck", "-n", ns, "--timeout=2s");

        Assert.NotEqual(0, rollout.ExitCode);
        Assert.Contains("Waiting for deployment \"stuck\" rollout to finish: 0 of 1 updated replicas are available...", rollout.Output);
        Assert.Contains("error: timed out waiting for the condition", rollout.Output);
        var store = fixture.Cluster.Store;
        var pod = store.List(ObjectStore.Kind("Pod"), ns, LabelSelector.Parse("app=stuck"), _ => true)["items"]![0]!;
        Assert.Equal("Running", (string?)pod["status"]!["phase"]);
        Assert.False((bool)pod["status"]!["containerStatuses"]![0]!["ready"]!);
        var slice = store.List(ObjectStore.Kind("EndpointSlice"), ns, LabelSelector.Parse("kubernetes.io/service-name=stuck"), _ => true)["items"]![0]!;
        Assert.False((bool)slice["endpoints"]![0]!["conditions"]!["ready"]!);
        var available = store.Get(ObjectStore.Kind("Deployment"), ns, "stuck")["status"]!["conditions"]!.AsArray()
            .Single(c => (string?)c!["type"] == "Available")!;
        Assert.Equal("False", (string?)available["status"]);
        Assert.Equal("MinimumReplicasUnavailable", (string?)available["reason"]);
    }

    [Fact]
    public async Task Helm_install_wait_fails_when_the_deployment_never_becomes_ready()
    {
        var ns = await _kit.NamespaceAsync("never");

        var install = await _kit.HelmAsync("install", "stuck", RepoTools.Chart("web"), "-n", ns, "--set", "neverReady=true", "--wait", "--timeout", "3s");

        Assert.NotEqual(0, install.ExitCode);
        Assert.Contains("context deadline exceeded", install.Output);
        var release = await _kit.HelmAsync("status", "stuck", "-n", ns);
        Assert.Contains("STATUS: failed", release.Output);
        Assert.Null(fixture.Cluster.Store.Get(ObjectStore.Kind("Deployment"), ns, "stuck-web")["status"]!["readyReplicas"]);
    }
}
