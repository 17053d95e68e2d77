using Mesh.ClusterSimulator;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: the pipeline, a process of its own, killed with SIGKILL (with its helm children) at points spread over
/// the chain; each time a plain re-run converges, and a further run writes nothing but its Lease. The kill comes
/// from the simulator's request log as it records the chosen request, before that request is answered, so the point
/// is the same on every run. One cluster serves every point: Teardown empties it between them. And Teardown itself
/// removes a release a killed run left pending-install.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class KillTests(ITestOutputHelper output)
{
    /// <summary>Where to kill: the <c>N</c>-th mutating request that matches, named by what the chain is doing then.</summary>
    public sealed record KillPoint(string During, Func<RequestRecord, bool> Matches, int N = 1)
    {
        public override string ToString() => During;
    }

    private static readonly KillPoint[] Points =
    [
        new("helm installing base (its second CRD)", request => FromHelm(request) && request.Path.Contains("/customresourcedefinitions", StringComparison.Ordinal), 2),
        new("helm installing istiod (its Deployment)", request => FromHelm(request) && request.Path.Contains("/namespaces/istio-system/deployments", StringComparison.Ordinal)),
        new("helm installing prometheus beside the other dashboards", request => FromHelm(request) && request.Path.Contains("/prometheus", StringComparison.Ordinal)),
        new("DeployMailHog applying its Deployment", request => !FromHelm(request) && request.Path.Contains("/namespaces/mailhog/deployments/mailhog", StringComparison.Ordinal)),
    ];

    [Fact]
    public async Task After_a_SIGKILL_anywhere_in_the_chain_a_plain_re_run_converges_and_the_next_writes_nothing()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var temp = Directory.CreateTempSubdirectory("mesh-kill-").FullName;
        try
        {
            foreach (var point in Points)
            {
                var killedAt = await KillAtAsync(mesh, temp, point);
                output.WriteLine($"killed {point}: at mutating request {killedAt}");

                Assert.Empty(await PipelineProcess.RunningAsync(mesh.Kubeconfig));
                var rerun = mesh.Run();
                Assert.True(rerun.ExitCode == 0, $"re-run after a kill {point}:{Environment.NewLine}{rerun}");
                Assert.Contains("Took over the lease kube-system/mesh-build from ", rerun.Output, StringComparison.Ordinal);
                Assert.Contains(" at once: that process is no longer running on this host", rerun.Output, StringComparison.Ordinal);
                var further = mesh.Run("--proofs=on-change");
                Assert.True(further.ExitCode == 0, further.ToString());
                Assert.True(further.Writes.Count == 0, $"after a kill {point}, the run after the re-run wrote:{Environment.NewLine}{string.Join(Environment.NewLine, further.Writes.Select(write => $"{write.Verb} {write.Path}"))}");

                var teardown = mesh.Run("--target=Teardown", "--include-crds", "--proofs=off");
                Assert.True(teardown.ExitCode == 0, teardown.ToString());
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task Teardown_after_a_SIGKILL_mid_install_removes_the_release_helm_left_pending()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var temp = Directory.CreateTempSubdirectory("mesh-kill-").FullName;
        try
        {
            await KillAtAsync(mesh, temp, Points[1]);
            Assert.Contains("pending-install", mesh.Helm("list", "-n", "istio-system", "--pending"), StringComparison.Ordinal);

            var teardown = mesh.Run("--target=Teardown");

            Assert.True(teardown.ExitCode == 0, teardown.ToString());
            Assert.Contains("istio-system/istiod: uninstalled istiod-1.31.1 (revision 1)", teardown.Output, StringComparison.Ordinal);
            Assert.Contains("proof nothing of ours or Istio's is left: proven", teardown.Output, StringComparison.Ordinal);
            Assert.Equal(string.Empty, mesh.Helm("list", "-A", "-q").Trim());
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Starts the chain as a process and kills its tree as the simulator records the point's request; the index of that request among the run's mutating ones.</summary>
    private static async Task<int> KillAtAsync(SimulatedMesh mesh, string temp, KillPoint point)
    {
        PipelineProcess? pipeline = null;
        var mutating = 0;
        var matching = 0;
        var killedAt = 0;
        void OnRecorded(RequestRecord request)
        {
            if (killedAt > 0 || !PipelineProcess.IsMutating(request))
            {
                return;
            }

            mutating++;
            if (point.Matches(request) && ++matching == point.N)
            {
                killedAt = mutating;
                pipeline?.KillTree();
            }
        }

        mesh.Cluster.Requests.Recorded += OnRecorded;
        try
        {
            using (pipeline = PipelineProcess.Start(mesh, temp, "--proofs=off"))
            {
                var exitCode = await pipeline.ExitCodeAsync(TimeSpan.FromMinutes(2));
                Assert.True(killedAt > 0, $"the run ended ({exitCode}) before {point}:{Environment.NewLine}{pipeline.Output}");
                Assert.Equal(137, exitCode);
            }
        }
        finally
        {
            mesh.Cluster.Requests.Recorded -= OnRecorded;
        }

        return killedAt;
    }

    private static bool FromHelm(RequestRecord request) => request.UserAgent?.StartsWith("helm", StringComparison.OrdinalIgnoreCase) == true;
}
