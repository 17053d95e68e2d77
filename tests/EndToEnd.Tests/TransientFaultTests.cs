using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 14: a fifth of the pipeline's requests failing at random with 500, 503 or 429 changes nothing about the outcome.</summary>
[Trait("Category", "EndToEnd")]
public sealed class TransientFaultTests
{
    [Fact]
    public async Task With_a_fifth_of_requests_failing_the_chain_converges_and_a_rerun_writes_nothing()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        // Three seeded rules of about 7% each, on the pipeline's own requests (helm's are faulted apart, below).
        mesh.Cluster.Faults.Add(new FaultRule { StatusCode = 500, Fraction = 0.07, Seed = 1, UserAgentPrefix = "mesh-build/" });
        mesh.Cluster.Faults.Add(new FaultRule { StatusCode = 503, Fraction = 0.075, Seed = 2, UserAgentPrefix = "mesh-build/" });
        mesh.Cluster.Faults.Add(new FaultRule { StatusCode = 429, Fraction = 0.08, Seed = 3, UserAgentPrefix = "mesh-build/" });

        // helm's first look at its release records fails twice: helm gives up on a 503, the pipeline runs it again.
        mesh.Cluster.Faults.Add(new FaultRule { StatusCode = 503, Verb = "GET", PathRegex = "^/api/v1/namespaces/istio-system/secrets$", Times = 2, UserAgentPrefix = "Helm/" });

        var first = mesh.Run();
        var ours = mesh.Cluster.Requests.Records.Where(request => request.UserAgent?.StartsWith("mesh-build/", StringComparison.Ordinal) == true).ToList();
        var second = mesh.Run("--proofs=on-change");

        Assert.True(first.ExitCode == 0, first.ToString());
        var faulted = ours.Count(request => request.Fault is not null);
        Assert.InRange(faulted, ours.Count * 0.15, ours.Count * 0.25);
        // The line is written at teardown; the lease's release comes after it and may meet a fault of its own.
        var said = System.Text.RegularExpressions.Regex.Match(first.Output, @"The cluster answered (\d+) request\(s\) with a transient failure; each was tried again");
        Assert.True(said.Success, first.ToString());
        Assert.InRange(int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Math.Max(1, faulted - 3), faulted);
        Assert.Contains("helm met a transient failure (Error: ", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Empty(second.Writes);
    }
}
