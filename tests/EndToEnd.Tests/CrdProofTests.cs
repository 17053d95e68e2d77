namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 12: InstallIstioInit proves its CRDs are there and Established, and fails when they are not. Each
/// test on a cluster of its own: a CRD once Established stays so, so the breakage cannot be undone.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrdProofTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SimulatedMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void InstallIstioInit_fails_when_the_Istio_CRDs_never_become_Established()
    {
        _mesh.Cluster.Controllers.EstablishCustomResourceDefinitions = false;

        var run = _mesh.Run("--target=InstallIstioInit", "--wait-timeout=3s");

        // The wait names the first CRD that is not Established and the condition it last saw.
        ProofAssert.Failed(run, "InstallIstioInit", ".istio.io did not become Established within 3s (last seen: Established=False");
        Assert.DoesNotContain("Istio CRDs are Established", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void InstallIstioInit_fails_when_the_base_chart_installs_no_CRD_labelled_as_Istio_s()
    {
        // A base chart from before Istio 1.24, whose CRDs do not carry the part-of label yet.
        using var charts = new TempCharts().Add("base", text => text.Replace("app.kubernetes.io/part-of: istio\n", string.Empty, StringComparison.Ordinal));

        var run = _mesh.Run("--target=InstallIstioInit", $"--chart-dir={charts.Path}");

        ProofAssert.Failed(run, "InstallIstioInit: the base chart installed no CRD labelled app.kubernetes.io/part-of=istio");
    }
}
