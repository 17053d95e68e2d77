using Mesh.Build.Certificates;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 7: tls-mode existing-secret and cert-manager, on a cluster where InstallIstio already ran.</summary>
[Trait("Category", "EndToEnd")]
public sealed class GatewayCertificateModeTests : IAsyncLifetime
{
    private const string Domain = "mesh.example.com";

    private SimulatedMesh _mesh = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        var installed = _mesh.Run("--target=InstallIstio", "--dashboards=none");
        Assert.True(installed.ExitCode == 0, installed.ToString());
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void Existing_secret_mode_checks_the_secret_is_there_then_that_it_covers_the_hosts()
    {
        var missing = Gateway("--tls-mode=existing-secret", "--tls-secret=corporate-tls");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("the Secret 'corporate-tls' (tls-secret) does not exist in istio-ingress", missing.Output, StringComparison.Ordinal);

        using var files = new TempFiles();
        var wrongHost = GatewayCertificates.Plan(new GatewayCertificateRequest(["other.example.com"]), null, null, DateTimeOffset.UtcNow);
        _mesh.Kubectl("create", "secret", "tls", "corporate-tls", "-n", "istio-ingress", $"--cert={files.Write("tls.crt", wrongHost.TlsCertificatePem)}", $"--key={files.Write("tls.key", wrongHost.Server.PrivateKeyPem)}");
        var uncovered = Gateway("--tls-mode=existing-secret", "--tls-secret=corporate-tls");
        Assert.Equal(1, uncovered.ExitCode);
        Assert.Contains("cannot serve the gateway", uncovered.Output, StringComparison.Ordinal);
        Assert.Contains($"mailhog.{Domain}", uncovered.Output, StringComparison.Ordinal);

        var right = GatewayCertificates.Plan(new GatewayCertificateRequest([$"*.{Domain}"]), null, null, DateTimeOffset.UtcNow);
        _mesh.Kubectl("delete", "secret", "corporate-tls", "-n", "istio-ingress");
        _mesh.Kubectl("create", "secret", "tls", "corporate-tls", "-n", "istio-ingress", $"--cert={files.Write("tls.crt", right.TlsCertificatePem)}", $"--key={files.Write("tls.key", right.Server.PrivateKeyPem)}");
        var covered = Gateway("--tls-mode=existing-secret", "--tls-secret=corporate-tls");
        Assert.True(covered.ExitCode == 0, covered.ToString());
        Assert.Contains($"istio-ingress/corporate-tls: a valid kubernetes.io/tls pair covering mailhog.{Domain}", covered.Output, StringComparison.Ordinal);
        Assert.Equal("corporate-tls", _mesh.Kubectl("get", "gateway", "mesh-gateway", "-n", "istio-ingress", "-o", "jsonpath={.spec.servers[1].tls.credentialName}"));
    }

    [Fact]
    public void Cert_manager_mode_without_cert_manager_says_what_to_install()
    {
        var run = Gateway("--tls-mode=cert-manager", "--cert-manager-issuer=letsencrypt");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cert-manager is not installed (no certificates.cert-manager.io CRD)", run.Output, StringComparison.Ordinal);
    }

    private PipelineRun Gateway(params string[] args) => _mesh.Run(["--target=ConfigureGateway", "--exclusive", $"--domain={Domain}", .. args]);

    private sealed class TempFiles : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("mesh-tls-").FullName;

        public string Write(string name, string content)
        {
            var path = Path.Combine(_directory, name);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
