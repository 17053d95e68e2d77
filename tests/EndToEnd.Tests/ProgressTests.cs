using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>Waits slowed by the simulator (pods up only after seconds, API latency on one install) are not silent ones.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ProgressTests
{
    [Fact]
    public async Task Slow_pods_and_a_slow_install_give_a_progress_line_each_interval_naming_what_is_awaited()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        mesh.Cluster.Controllers.ReadyDelay = TimeSpan.FromSeconds(4);
        // helm stores its release record as a Secret: 3 s on that write of the base chart's install.
        mesh.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromSeconds(3), "/api/v1/namespaces/istio-system/secrets", "POST", times: 1));

        var run = mesh.Run("--target=InstallIstio", "--dashboards=none", "--progress-interval=1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"helm is installing istio-system/istio-base \(base-\S+\) and waiting for it: [1-9]\d* s so far \(helm-timeout 600s\)", run.Output);
        Assert.Matches(@"waiting for Deployment istio-system/istiod to become available: [1-9]\d* s so far, last seen: 0/1 available, 1 updated, Available=False MinimumReplicasUnavailable", run.Output);
    }

    [Fact]
    public async Task Without_slow_waits_there_are_no_progress_lines()
    {
        await using var mesh = await SimulatedMesh.StartAsync();

        var run = mesh.Run("--target=InstallIstioInit");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("so far", run.Output, StringComparison.Ordinal);
    }
}
