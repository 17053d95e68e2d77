using Mesh.ClusterSimulator;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: SIGTERM (a cancelled CI job) to the pipeline, a process of its own, while helm installs istiod: it exits
/// 143 saying where it stopped and that a re-run finishes, leaves no scratch directory, gives its Lease back, and
/// its helm is gone; the re-run converges. The signal comes as helm applies istiod's first object (its ConfigMap),
/// so that helm still has the rest of the release before it and is stopped halfway.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SigtermTests(ITestOutputHelper output)
{
    private const int Sigterm = 15;

    [Fact]
    public async Task Sigterm_during_a_helm_install_exits_143_cleans_up_and_a_re_run_finishes()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var temp = Directory.CreateTempSubdirectory("mesh-sigterm-").FullName;
        PipelineProcess? pipeline = null;
        var sent = 0;
        void OnRecorded(RequestRecord request)
        {
            if (PipelineProcess.IsMutating(request) && request.UserAgent?.StartsWith("helm", StringComparison.OrdinalIgnoreCase) == true
                && request.Path.Contains("/namespaces/istio-system/configmaps/istio", StringComparison.Ordinal) && Interlocked.Exchange(ref sent, 1) == 0)
            {
                pipeline?.Signal(Sigterm);
            }
        }

        mesh.Cluster.Requests.Recorded += OnRecorded;
        try
        {
            using (pipeline = PipelineProcess.Start(mesh, temp, "--proofs=off"))
            {
                var exitCode = await pipeline.ExitCodeAsync(TimeSpan.FromMinutes(2));
                output.WriteLine(pipeline.Output);

                Assert.True(sent == 1, $"the run ended ({exitCode}) before helm installed istiod:{Environment.NewLine}{pipeline.Output}");
                Assert.True(exitCode == 143, pipeline.Output);
                Assert.Contains("SIGTERM received: the run stopped in InstallIstio (its helm call was stopped).", pipeline.Output, StringComparison.Ordinal);
                Assert.Contains("run the same command again and it finishes the work", pipeline.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            mesh.Cluster.Requests.Recorded -= OnRecorded;
        }

        try
        {
            Assert.Empty(Directory.GetFileSystemEntries(temp, "mesh-build-*"));
            Assert.Empty(await PipelineProcess.RunningAsync(mesh.Kubeconfig));
            Assert.DoesNotContain("mesh-build", mesh.Kubectl("get", "leases", "-n", "kube-system", "-o", "name"), StringComparison.Ordinal);

            var rerun = mesh.Run("--proofs=off");

            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.DoesNotContain("Took over the lease", rerun.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
