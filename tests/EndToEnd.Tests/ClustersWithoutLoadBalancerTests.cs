namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 6: clusters without a load-balancer provider (kind as it comes, bare metal). The install never hangs
/// waiting for an address that will not come, and NodePort works without one.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ClustersWithoutLoadBalancerTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _mesh.Cluster.Controllers.LoadBalancers = false;
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void A_load_balancer_that_never_gets_an_address_is_reported_and_the_chain_goes_on_with_a_domain()
    {
        var run = _mesh.Run("--target=EnforceMtls", "--dashboards=none", "--domain=mesh.example.com", "--wait-timeout=3s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ingress gateway: no load-balancer address was assigned within 3 s", run.Output, StringComparison.Ordinal);
        Assert.Contains("gateway-service-type=NodePort", run.Output, StringComparison.Ordinal);
        Assert.Contains("gateway hosts: mailhog.mesh.example.com", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_domain_and_without_an_address_ConfigureGateway_says_what_to_set()
    {
        var run = _mesh.Run("--target=ConfigureGateway", "--dashboards=none", "--wait-timeout=3s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No domain is set and the ingress gateway has no IP address", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_port_gateway_gets_sslip_io_hosts_on_the_node_address()
    {
        var run = _mesh.Run("--target=EnforceMtls", "--dashboards=none", "--gateway-service-type=NodePort");
        var node = _mesh.Kubectl("get", "nodes", "-o", "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}");
        var nodePort = _mesh.Kubectl("get", "service", "istio-ingressgateway", "-n", "istio-ingress", "-o", "jsonpath={.spec.ports[?(@.port==443)].nodePort}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("NodePort", _mesh.Kubectl("get", "service", "istio-ingressgateway", "-n", "istio-ingress", "-o", "jsonpath={.spec.type}"));
        Assert.Contains($"ingress gateway address: {node} (node port {nodePort} for https)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"gateway hosts: mailhog.{node}.sslip.io", run.Output, StringComparison.Ordinal);
        Assert.Contains($"mailhog UI routed at https://mailhog.{node}.sslip.io:{nodePort}/ ", run.Output, StringComparison.Ordinal);
        Assert.Matches($@"\n  MailHog\s+https://mailhog\.{node.Replace(".", "\\.", StringComparison.Ordinal)}\.sslip\.io:{nodePort}/\r?\n", run.Output);
        Assert.Contains("dns-provider=none: nobody creates DNS records; the sslip.io names above resolve to the gateway's address by themselves", run.Output, StringComparison.Ordinal);
    }
}
