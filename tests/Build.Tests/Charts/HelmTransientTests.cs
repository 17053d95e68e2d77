using Mesh.Build.Charts;
using Mesh.Build.Tools;

namespace Mesh.Build.Tests.Charts;

/// <summary>Issue 14: which helm failures are run again (the API server's passing trouble) and which are helm's verdict.</summary>
public sealed class HelmTransientTests
{
    [Theory]
    [InlineData("Error: INSTALLATION FAILED: the server is currently unable to handle the request (get secrets)")]
    [InlineData("Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused")]
    [InlineData("Error: UPGRADE FAILED: read tcp 127.0.0.1:50122->127.0.0.1:6443: read: connection reset by peer")]
    [InlineData("Error: INSTALLATION FAILED: Internal error occurred: injected by the simulator")]
    [InlineData("Error: UPGRADE FAILED: net/http: TLS handshake timeout")]
    public void The_api_servers_passing_trouble_is_transient(string stderr) =>
        Assert.True(HelmTransient.IsTransient(Failure(stderr)));

    [Theory]
    [InlineData("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress")]
    [InlineData("Error: INSTALLATION FAILED: context deadline exceeded")]
    [InlineData("Error: UPGRADE FAILED: resource Deployment/istio-system/istiod not ready. status: InProgress, message: timed out waiting for the condition")]
    [InlineData("Error: INSTALLATION FAILED: 1 error occurred: Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1")]
    [InlineData("Error: INSTALLATION FAILED: failed pre-upgrade: 1 error occurred: job web-hook failed: BackoffLimitExceeded")]
    public void Helms_verdicts_are_not(string stderr) =>
        Assert.False(HelmTransient.IsTransient(Failure(stderr)));

    [Fact]
    public void A_transient_failure_runs_again_up_to_the_bound_then_the_last_failure_stands()
    {
        var runs = 0;
        var said = new List<string>();
        var pipeline = HelmTransient.Pipeline(3, TimeSpan.FromMilliseconds(1), said.Add);

        var error = Assert.Throws<ToolCommandException>(() => pipeline.Execute(() =>
        {
            runs++;
            throw Failure("Error: the server is currently unable to handle the request");
        }));

        Assert.Equal(3, runs);
        Assert.Equal(2, said.Count);
        Assert.StartsWith("helm met a transient failure (Error: the server is currently unable", said[0], StringComparison.Ordinal);
        Assert.Contains("the server is currently unable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verdict_runs_once()
    {
        var runs = 0;
        var pipeline = HelmTransient.Pipeline(3, TimeSpan.FromMilliseconds(1), _ => { });

        Assert.Throws<ToolCommandException>(() => pipeline.Execute(() =>
        {
            runs++;
            throw Failure("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");
        }));

        Assert.Equal(1, runs);
    }

    private static ToolCommandException Failure(string stderr) => new("helm", "upgrade --install web", 1, [stderr]);
}
