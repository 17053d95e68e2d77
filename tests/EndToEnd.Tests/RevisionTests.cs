namespace Mesh.EndToEnd.Tests;

/// <summary>A revisioned istiod (canary-style): names, webhooks and injection labels follow istio-revision.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RevisionTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;
    private PipelineRun _run = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _run = _mesh.Run("--target=EnforceMtls", "--istio-revision=1-31-1", "--dashboards=none");
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void The_chain_runs_with_a_revisioned_istiod_and_injects_by_the_revision_label()
    {
        Assert.True(_run.ExitCode == 0, _run.ToString());
        Assert.Contains("istiod-1-31-1", _mesh.Helm("list", "-n", "istio-system", "-q"), StringComparison.Ordinal);
        Assert.Contains("istio-sidecar-injector-1-31-1", _mesh.Kubectl("get", "mutatingwebhookconfiguration", "-o", "name"), StringComparison.Ordinal);
        Assert.Equal("1-31-1", _mesh.Kubectl("get", "namespace", "mailhog", "-o", "jsonpath={.metadata.labels.istio\\.io/rev}"));
        Assert.Contains("istio-proxy", _mesh.Kubectl("get", "pods", "-n", "mailhog", "-l", "app=mailhog", "-o", "jsonpath={.items[*].spec.containers[*].name}"), StringComparison.Ordinal);
        Assert.Contains("injection by pod label: 1 of 1 pods labelled istio.io/rev=1-31-1 in istio-ingress", _run.Output, StringComparison.Ordinal);
    }
}
