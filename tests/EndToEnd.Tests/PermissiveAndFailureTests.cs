namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 7: the proof under PERMISSIVE, dashboards exposed through the gateway, and a dashboard that goes
/// down: VerifyDashboards fails naming it. One cluster, runs in order.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PermissiveAndFailureTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;
    private PipelineRun _permissive = null!;
    private PipelineRun _grafanaDown = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _permissive = _mesh.Run("--target=EnforceMtls", "--mtls-mode=PERMISSIVE", "--mtls-scope=namespace", "--mail-server=mailpit", "--dashboards=prometheus,grafana", "--expose-dashboards=true");
        _mesh.Kubectl("scale", "deployment/grafana", "-n", "istio-system", "--replicas=0");
        _grafanaDown = _mesh.Run("--target=VerifyDashboards", "--exclusive", "--dashboards=prometheus,grafana", "--expose-dashboards=true");
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void Under_permissive_both_calls_succeed_and_the_policy_is_the_namespace_one()
    {
        Assert.True(_permissive.ExitCode == 0, _permissive.ToString());
        Assert.Contains("mTLS is permissive: plaintext from outside the mesh: HTTP 200; mutual TLS from inside the mesh: HTTP 200", _permissive.Output, StringComparison.Ordinal);
        Assert.Contains("mailhog/mailhog: PERMISSIVE (namespace-wide policy mailhog/default)", _permissive.Output, StringComparison.Ordinal);
        var outside = _mesh.Cluster.Store.Telemetry.Calls.First(call => call.SourceWorkload == "mtls-probe-outside");
        Assert.Equal((false, 200), (outside.SourceSidecar, outside.ResponseCode));
    }

    [Fact]
    public void Mailpit_replaces_mailhog_with_its_own_health_endpoint()
    {
        var container = _mesh.KubectlJson("get", "deployment", "mailhog", "-n", "mailhog")["spec"]!["template"]!["spec"]!["containers"]![0]!;

        Assert.StartsWith("axllent/mailpit:", (string?)container["image"], StringComparison.Ordinal);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
    }

    [Fact]
    public void Exposed_dashboards_get_a_host_on_the_gateway_and_a_route_to_their_service()
    {
        var ip = _mesh.Kubectl("get", "service", "istio-ingressgateway", "-n", "istio-ingress", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
        var route = _mesh.KubectlJson("get", "virtualservice", "grafana", "-n", "istio-system")["spec"]!;
        var hosts = _mesh.Kubectl("get", "gateway", "mesh-gateway", "-n", "istio-ingress", "-o", "jsonpath={.spec.servers[1].hosts}");

        Assert.Equal($"grafana.{ip}.sslip.io", (string?)route["hosts"]![0]);
        Assert.Equal("grafana.istio-system.svc.cluster.local", (string?)route["http"]![0]!["route"]![0]!["destination"]!["host"]);
        Assert.Equal(3000, (int?)route["http"]![0]!["route"]![0]!["destination"]!["port"]!["number"]);
        Assert.Contains($"prometheus.{ip}.sslip.io", hosts, StringComparison.Ordinal);
        Assert.Matches($@"Prometheus\s+healthy\s+https://prometheus\.{ip.Replace(".", "\\.", StringComparison.Ordinal)}\.sslip\.io", _grafanaDown.Output);
    }

    [Fact]
    public void A_dashboard_whose_deployment_is_down_fails_VerifyDashboards_naming_it()
    {
        Assert.Equal(1, _grafanaDown.ExitCode);
        Assert.Contains("VerifyDashboards: grafana not healthy", _grafanaDown.Output, StringComparison.Ordinal);
        Assert.Matches(@"Prometheus\s+healthy", _grafanaDown.Output);
        Assert.Matches(@"Grafana\s+GET /api/v1/namespaces/istio-system/services/grafana:3000/proxy/api/health failed", _grafanaDown.Output);
    }
}
