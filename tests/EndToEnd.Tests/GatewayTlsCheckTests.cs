using Mesh.Build.Certificates;

namespace Mesh.EndToEnd.Tests;

/// <summary>A simulated cluster with InstallIstio done, shared by the TLS check's tests.</summary>
public sealed class InstalledMesh : IAsyncLifetime
{
    public SimulatedMesh Mesh { get; private set; } = null!;

    public string Address { get; private set; } = "";

    /// <summary>A directory for the tests' manifests and keys, removed with the cluster.</summary>
    public string Scratch { get; } = Directory.CreateTempSubdirectory("mesh-tls-check-").FullName;

    public async Task InitializeAsync()
    {
        Mesh = await SimulatedMesh.StartAsync();
        var installed = Mesh.Run("--target=InstallIstio", "--dashboards=none");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        Address = Mesh.Kubectl("get", "service", "istio-ingressgateway", "-n", "istio-ingress", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}");
    }

    public async Task DisposeAsync()
    {
        await Mesh.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }
}

/// <summary>
/// Issue 12: ConfigureGateway's TLS check on the simulator's gateway, which answers at its load-balancer
/// address on this machine: our certificate, another certificate, and none.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class GatewayTlsCheckTests(InstalledMesh installed) : IClassFixture<InstalledMesh>
{
    private SimulatedMesh Mesh => installed.Mesh;

    private string Host => $"mailhog.{installed.Address}.sslip.io";

    [Fact]
    public void The_gateway_presents_our_certificate_for_the_host()
    {
        var run = Gateway();

        Assert.True(run.ExitCode == 0, run.ToString());
        if (PrivilegedPortRefused())
        {
            Assert.Contains($"TLS check of {Host} inconclusive: {installed.Address}:443 refused the connection", run.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"TLS handshake with {Host} at {installed.Address}:443 returned our certificate (serial ", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_older_gateway_serving_the_host_with_another_certificate_fails_the_task()
    {
        var other = GatewayCertificates.Plan(new GatewayCertificateRequest(["legacy.example.com"]), null, null, DateTimeOffset.UtcNow);
        Mesh.Kubectl("create", "secret", "tls", "legacy-tls", "-n", "istio-ingress", $"--cert={Write("tls.crt", other.TlsCertificatePem)}", $"--key={Write("tls.key", other.Server.PrivateKeyPem)}");
        try
        {
            var run = WithLegacyGateway("legacy-tls");

            if (!PrivilegedPortRefused())
            {
                Assert.Equal(1, run.ExitCode);
                Assert.Contains($"{Host} at {installed.Address}:443 presents CN=legacy.example.com", run.Output, StringComparison.Ordinal);
                Assert.Contains("names: legacy.example.com), not the certificate in istio-ingress/mesh-gateway-tls", run.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Mesh.Kubectl("delete", "secret", "legacy-tls", "-n", "istio-ingress");
        }
    }

    [Fact]
    public void An_older_gateway_serving_the_host_without_its_secret_fails_the_task_for_want_of_a_certificate()
    {
        var run = WithLegacyGateway("absent-tls");

        if (!PrivilegedPortRefused())
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"{installed.Address}:443 accepted the connection but completed no TLS handshake for {Host}", run.Output, StringComparison.Ordinal);
            Assert.Contains("the gateway has no certificate for the host", run.Output, StringComparison.Ordinal);
        }
    }

    private PipelineRun Gateway() => Mesh.Run("--target=ConfigureGateway", "--exclusive", "--dashboards=none", "--wait-timeout=3s");

    // A Gateway older than ours (ours is removed first, so the run makes it anew) with a server for our
    // host: Istio keeps the older server.
    private PipelineRun WithLegacyGateway(string credential)
    {
        Mesh.Kubectl("delete", "gateway", "mesh-gateway", "-n", "istio-ingress", "--ignore-not-found");
        var manifest = Write("legacy.yaml", $$"""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: legacy, namespace: istio-ingress}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 443, name: https, protocol: HTTPS}
                hosts: ["{{Host}}"]
                tls: {mode: SIMPLE, credentialName: {{credential}}}
            """);
        Mesh.Kubectl("apply", "-f", manifest);
        try
        {
            return Gateway();
        }
        finally
        {
            Mesh.Kubectl("delete", "-f", manifest);
        }
    }

    // Without the right to bind port 443 (not root, unprivileged ports from 1024) the simulator cannot listen there.
    private bool PrivilegedPortRefused() =>
        Mesh.Cluster.GatewayListeners?.Problems.Values.Any(problem => problem.Contains("AccessDenied", StringComparison.Ordinal)) ?? false;

    private string Write(string name, string content)
    {
        var path = Path.Combine(installed.Scratch, name);
        File.WriteAllText(path, content);
        return path;
    }
}
