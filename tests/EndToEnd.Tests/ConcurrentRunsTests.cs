using System.Text.RegularExpressions;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: two real runs, processes of their own, on one cluster. Started together, one runs and the other waits
/// for its Lease, naming it, then finds everything converged; with a short lock-timeout the other fails naming the
/// holder. Either way the cluster ends converged.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class ConcurrentRunsTests
{
    [Fact]
    public async Task Two_runs_started_together_take_turns_and_a_short_lock_timeout_fails_naming_the_holder()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var temp = Directory.CreateTempSubdirectory("mesh-concurrent-").FullName;
        try
        {
            using (var one = PipelineProcess.Start(mesh, temp, "--proofs=off"))
            using (var other = PipelineProcess.Start(mesh, temp, "--proofs=off"))
            {
                var codes = await Task.WhenAll(one.ExitCodeAsync(TimeSpan.FromMinutes(3)), other.ExitCodeAsync(TimeSpan.FromMinutes(3)));

                Assert.True(codes.All(code => code == 0), $"exit codes {codes[0]}, {codes[1]}{Environment.NewLine}{one.Output}{Environment.NewLine}{other.Output}");
                var waited = new[] { one, other }.Single(run => run.Output.Contains("Another run holds the cluster", StringComparison.Ordinal));
                var ran = waited == one ? other : one;
                Assert.Matches(Holder(ran), waited.Output);
                Assert.Contains("; 0 created, 0 changed, ", waited.Output, StringComparison.Ordinal);
                Assert.Contains("; 17 created, 0 changed, ", ran.Output, StringComparison.Ordinal);
            }

            // The holder's first read after taking the lease (helm's records) is held 10 s, so it still holds the lease when the late run asks.
            mesh.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromSeconds(10), "/api/v1/namespaces/istio-system/secrets", "GET", times: 1));
            var before = mesh.Cluster.Requests.Records.Count;
            using var holder = PipelineProcess.Start(mesh, temp, "--access-log=false", "--proofs=off");
            await LeaseTakenAsync(mesh, before);
            using (var late = PipelineProcess.Start(mesh, temp, "--lock-timeout=1s", "--proofs=off"))
            {
                var code = await late.ExitCodeAsync(TimeSpan.FromMinutes(1));

                Assert.True(code == 1, late.Output);
                Assert.Matches($@"Another run holds the cluster: the Lease kube-system/mesh-build is held by {Regex.Escape(Environment.MachineName)}/pid {holder.Id}/started \S+ \(last renewed \S+, for 60 s at a time\)\. Waited 1s \(lock-timeout\)", late.Output);
            }

            Assert.True(await holder.ExitCodeAsync(TimeSpan.FromMinutes(2)) == 0, holder.Output);
            var after = mesh.Run("--access-log=false", "--proofs=on-change");
            Assert.True(after.ExitCode == 0, after.ToString());
            Assert.Empty(after.Writes);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static Regex Holder(PipelineProcess run) =>
        new($@"Another run holds the cluster \(Lease kube-system/mesh-build: {Regex.Escape(Environment.MachineName)}/pid {run.Id}/started \S+\); waiting up to 300s \(lock-timeout\) for it to finish\.");

    /// <summary>Until a run creates the lease, among the requests after the first <paramref name="before"/>.</summary>
    private static async Task LeaseTakenAsync(SimulatedMesh mesh, int before)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!mesh.Cluster.Requests.Records.Skip(before).Any(request => request.Verb == "POST" && SimulatedMesh.IsLease(request) && request.Status == 201))
        {
            await Task.Delay(20, cancel.Token);
        }
    }
}
