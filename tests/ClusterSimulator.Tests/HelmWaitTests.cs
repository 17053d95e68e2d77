using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// helm 4 installs with --wait, which watches every resource of the release (watch-list streams with the
/// initial-events-end bookmark) until it is ready; a chart with a CRD and a custom resource of it exercises
/// discovery refresh, OpenAPI for the new kind, server-side apply and watches together.
/// </summary>
public sealed class HelmWaitTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    [Fact]
    public async Task Helm_waits_through_install_upgrade_rollback_and_uninstall_of_a_chart_with_a_crd()
    {
        var ns = SimulatorFixture.UniqueName("wait");
        var store = fixture.Cluster.Store;
        string? Mode() => (string?)Policy()?["spec"]!["mtls"]!["mode"];
        JsonObject? Policy()
        {
            var kind = store.Kinds.All.FirstOrDefault(k => k.Kind == "PeerAuthentication");
            var items = kind is null ? null : store.List(kind, ns, LabelSelector.Parse(null), _ => true)["items"]!.AsArray();
            return items?.SingleOrDefault()?.AsObject();
        }

        var created = await RepoTools.RunAsync("kubectl", new Dictionary<string, string>(), "--kubeconfig", fixture.KubeconfigPath, "create", "namespace", ns);
        var install = await _kit.HelmAsync("install", "policy", RepoTools.Chart("crd-demo"), "-n", ns, "--wait", "--timeout", "30s");
        var installed = Mode();
        var upgrade = await _kit.HelmAsync("upgrade", "policy", RepoTools.Chart("crd-demo"), "-n", ns, "--set", "mode=PERMISSIVE", "--wait", "--timeout", "30s");
        var upgraded = Mode();
        var rollback = await _kit.HelmAsync("rollback", "policy", "1", "-n", ns, "--wait", "--timeout", "30s");
        var rolledBack = Mode();
        var uninstall = await _kit.HelmAsync("uninstall", "policy", "-n", ns, "--wait", "--timeout", "30s");

        Assert.True(created.ExitCode == 0, created.Output);
        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Contains("STATUS: deployed", install.Output);
        Assert.Equal("STRICT", installed);
        Assert.True(upgrade.ExitCode == 0, upgrade.Output);
        Assert.Equal("PERMISSIVE", upgraded);
        Assert.True(rollback.ExitCode == 0, rollback.Output);
        Assert.Equal("STRICT", rolledBack);
        Assert.True(uninstall.ExitCode == 0, uninstall.Output);
        Assert.Null(Policy());
        Assert.Equal(404, Assert.Throws<ApiError>(() => store.Get(ObjectStore.Kind("ConfigMap"), ns, "policy-settings")).Code);

        // Like a real server, the CRD stays: helm never deletes what it installed from crds/.
        Assert.Contains(store.Kinds.All, kind => kind.Kind == "PeerAuthentication");
        Assert.Contains(fixture.Cluster.Requests.Records, record =>
            record.Path == $"/apis/security.istio.io/v1/namespaces/{ns}/peerauthentications" && record.Query.Contains("watch=true", StringComparison.Ordinal));
    }
}
