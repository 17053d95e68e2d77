namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 6: Helm 4 applies server-side, and istiod rewrites its webhooks' failurePolicy at run time as field
/// manager pilot-discovery. An upgrade must not fail on that field conflict.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class IstioUpgradeTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;
    private string _charts = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _charts = Directory.CreateTempSubdirectory("mesh-upgrade-charts-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _mesh.DisposeAsync();
        Directory.Delete(_charts, recursive: true);
    }

    [Fact]
    public void An_upgrade_takes_back_the_failure_policy_istiod_rewrote()
    {
        var installed = _mesh.Run("--target=InstallIstio", "--dashboards=none");
        Assert.True(installed.ExitCode == 0, installed.ToString());

        // What istiod does once it is ready: its own server-side apply of failurePolicy on its webhooks.
        _mesh.SetInjectorFailurePolicyAsPilotDiscovery("Ignore");

        var upgraded = _mesh.Run("--target=InstallIstio", "--dashboards=none", "--istio-version=1.31.2", $"--chart-dir={NextPatchCharts()}");

        Assert.True(upgraded.ExitCode == 0, upgraded.ToString());
        Assert.Contains("istio-system/istiod: upgraded to istiod-1.31.2 (istiod-1.31.1 -> istiod-1.31.2)", upgraded.Output, StringComparison.Ordinal);
        Assert.Contains("istiod-1.31.2", _mesh.Helm("list", "-n", "istio-system"), StringComparison.Ordinal);
    }

    /// <summary>The fixture charts of base, istiod and gateway, relabelled as the next patch release.</summary>
    private string NextPatchCharts()
    {
        foreach (var chart in new[] { "base", "istiod", "gateway" })
        {
            SimulatedMesh.CopyFixtureChart(chart, Path.Combine(_charts, chart), text => text.Replace("1.31.1", "1.31.2", StringComparison.Ordinal));
        }

        return _charts;
    }
}
