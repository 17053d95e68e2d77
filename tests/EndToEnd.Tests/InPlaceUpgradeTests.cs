namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 15: the in-place path (the default upgrade-strategy) on the published charts, 1.30.3 to 1.31.0-rc.0.
/// istiod edits its webhooks at run time as field manager pilot-discovery: the CA bundle (the simulator does as istiod
/// does), and before istio/istio#59367 the failurePolicy, which the test applies as pilot-discovery would. Helm 4's
/// server-side upgrade then conflicts on a field the chart sets; the pipeline's --force-conflicts takes it back.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class InPlaceUpgradeTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;
    private PipelineRun _installed = null!;
    private string _managersBefore = string.Empty;
    private PipelineRun _upgraded = null!;

    public async Task InitializeAsync()
    {
        if (PublishedCharts.Directory is not { } charts)
        {
            return;
        }

        _mesh = await SimulatedMesh.StartAsync(charts);
        _installed = _mesh.Run(Arguments(CanaryUpgrade.From));
        // What istiod did at run time before istio/istio#59367: its own server-side apply of the injector's failurePolicy.
        _mesh.SetInjectorFailurePolicyAsPilotDiscovery("Ignore");
        _managersBefore = _mesh.Kubectl("get", "mutatingwebhookconfiguration", "istio-sidecar-injector", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}");
        _upgraded = _mesh.Run(Arguments(CanaryUpgrade.To));
    }

    public async Task DisposeAsync()
    {
        if (_mesh is not null)
        {
            await _mesh.DisposeAsync();
        }
    }

    [PublishedChartsFact]
    public void The_upgrade_takes_the_failure_policy_back_from_pilot_discovery_and_runs_the_new_istiod_in_place()
    {
        Assert.True(_installed.ExitCode == 0, _installed.ToString());
        Assert.Contains("pilot-discovery", _managersBefore, StringComparison.Ordinal);
        Assert.True(_upgraded.ExitCode == 0, _upgraded.ToString());
        Assert.Contains($"istio-system/istiod: upgraded to istiod-{CanaryUpgrade.To} (istiod-{CanaryUpgrade.From} -> istiod-{CanaryUpgrade.To})", _upgraded.Output, StringComparison.Ordinal);
        Assert.Contains($"istio-system/istio-base: upgraded to base-{CanaryUpgrade.To}", _upgraded.Output, StringComparison.Ordinal);
        Assert.Equal($"docker.io/istio/pilot:{CanaryUpgrade.To}", _mesh.Kubectl("get", "deployment", "istiod", "-n", "istio-system", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal(["istiod"], _mesh.Helm("list", "-n", "istio-system", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(release => release.StartsWith("istiod", StringComparison.Ordinal)));
        Assert.DoesNotContain("canary", _upgraded.Output, StringComparison.Ordinal);
        // The chart's failurePolicy is back, and helm holds it again.
        Assert.Equal("Fail", _mesh.Kubectl("get", "mutatingwebhookconfiguration", "istio-sidecar-injector", "-o", "jsonpath={.webhooks[?(@.name==\"namespace.sidecar-injector.istio.io\")].failurePolicy}"));
    }

    private static string[] Arguments(string version) =>
    [
        .. PublishedCharts.VersionArguments.Where(argument => !argument.StartsWith("--istio-version=", StringComparison.Ordinal)),
        $"--istio-version={version}",
        "--dashboards=none",
    ];
}
