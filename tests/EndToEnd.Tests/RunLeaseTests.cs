using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 14: one runner at a time, by a Lease in kube-system; a plan takes none; a dead holder's lease is taken over.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RunLeaseTests
{
    [Fact]
    public async Task A_run_waits_for_the_lease_another_run_holds_then_fails_naming_it_and_changes_nothing_while_a_plan_goes_ahead()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        HoldLease(mesh, "ci-runner-7/pid 4242/started 2026-12-01T22:00:00Z", renewed: DateTimeOffset.UtcNow.AddSeconds(-5));

        var run = mesh.Run("--target=InstallIstioInit", "--lock-timeout=2s");
        var plan = mesh.Run("--target=InstallIstioInit", "--plan", "--lock-timeout=1s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Another run holds the cluster (Lease kube-system/mesh-build: ci-runner-7/pid 4242/started 2026-12-01T22:00:00Z); waiting up to 2s (lock-timeout)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Another run holds the cluster: the Lease kube-system/mesh-build is held by ci-runner-7/pid 4242/started 2026-12-01T22:00:00Z", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Writes);
        Assert.Empty(run.LeaseWrites);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Empty(plan.LeaseWrites);
        Assert.Equal("ci-runner-7/pid 4242/started 2026-12-01T22:00:00Z", Holder(mesh));
    }

    [Fact]
    public async Task A_lease_whose_holder_stopped_renewing_is_taken_over_and_given_back_at_the_end()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        HoldLease(mesh, "laptop/pid 99/started 2026-12-01T20:00:00Z", renewed: DateTimeOffset.UtcNow.AddMinutes(-10));

        var run = mesh.Run("--target=InstallIstioInit", "--lock-timeout=1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Took over the lease kube-system/mesh-build from laptop/pid 99/started 2026-12-01T20:00:00Z, which stopped renewing it at", run.Output, StringComparison.Ordinal);
        Assert.Equal(["PUT", "DELETE"], run.LeaseWrites.Where(request => request.Status < 300).Select(request => request.Verb).ToArray()[..2]);
        Assert.Empty(mesh.KubectlJson("get", "leases", "-n", "kube-system", "--field-selector", "metadata.name=mesh-build")["items"]!.AsArray());
    }

    [Fact]
    public async Task A_run_that_waited_goes_ahead_once_the_other_gives_the_lease_back()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        HoldLease(mesh, "ci-runner-8/pid 1/started 2026-12-01T22:00:00Z", renewed: DateTimeOffset.UtcNow);
        var release = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            SimulatedMesh.RunTool("kubectl", "delete", "lease", "mesh-build", "-n", "kube-system", $"--kubeconfig={mesh.Kubeconfig}");
        });

        var run = mesh.Run("--target=InstallIstioInit", "--lock-timeout=30s");
        await release;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Another run holds the cluster (Lease kube-system/mesh-build: ci-runner-8/pid 1/started 2026-12-01T22:00:00Z); waiting up to 30s", run.Output, StringComparison.Ordinal);
        Assert.Equal("POST", run.LeaseWrites.First(request => request.Status < 300 && request.UserAgent?.StartsWith("mesh-build/", StringComparison.Ordinal) == true).Verb);
    }

    [Fact]
    public async Task A_fresh_lease_of_a_process_gone_from_this_host_is_taken_over_at_once_but_a_live_ones_is_waited_for()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync();
        var gone = $"{Environment.MachineName}/pid {ended.Id}/started 2026-12-01T22:00:00Z";
        HoldLease(mesh, gone, renewed: DateTimeOffset.UtcNow);

        var taken = mesh.Run("--target=InstallIstioInit", "--lock-timeout=1s");

        Assert.True(taken.ExitCode == 0, taken.ToString());
        Assert.Contains($"Took over the lease kube-system/mesh-build from {gone} at once: that process is no longer running on this host", taken.Output, StringComparison.Ordinal);

        using var alive = System.Diagnostics.Process.Start("sleep", "30")!;
        try
        {
            var holder = $"{Environment.MachineName}/pid {alive.Id}/started {alive.StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";
            HoldLease(mesh, holder, renewed: DateTimeOffset.UtcNow);

            var waited = mesh.Run("--target=InstallIstioInit", "--lock-timeout=1s");

            Assert.True(waited.ExitCode == 1, waited.ToString());
            Assert.Contains($"Another run holds the cluster: the Lease kube-system/mesh-build is held by {holder}", waited.Output, StringComparison.Ordinal);
        }
        finally
        {
            alive.Kill();
        }
    }

    private static string? Holder(SimulatedMesh mesh) =>
        (string?)mesh.KubectlJson("get", "lease", "mesh-build", "-n", "kube-system")["spec"]!["holderIdentity"];

    /// <summary>The lease as another run holds it: that run's identity, renewed at <paramref name="renewed"/> for 60 s.</summary>
    private static void HoldLease(SimulatedMesh mesh, string holder, DateTimeOffset renewed)
    {
        var time = renewed.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        mesh.KubectlApply(new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = "mesh-build", ["namespace"] = "kube-system" },
            ["spec"] = new JsonObject { ["holderIdentity"] = holder, ["leaseDurationSeconds"] = 60, ["acquireTime"] = time, ["renewTime"] = time },
        }.ToJsonString());
    }
}
