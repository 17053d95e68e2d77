using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 11: a cluster that cannot be used is found out by the first request, before any chart lookup or task,
/// with one message naming the kubeconfig, the context and the server, and exit code 3.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReachabilityTests : IAsyncLifetime
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mesh-reach-").FullName;
    private SimulatedMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SimulatedMesh.StartAsync();

    [Fact]
    public void No_kubeconfig_at_all_says_where_it_looked_and_how_to_rehearse()
    {
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", Path.Combine(_scratch, "absent"));
        try
        {
            var (exitCode, output) = SimulatedMesh.RunPipeline(_scratch, "--target=InstallIstioInit");

            Assert.True(exitCode == 3, output);
            Assert.Contains($"No kubeconfig: $KUBECONFIG={Path.Combine(_scratch, "absent")} names no existing file", output, StringComparison.Ordinal);
            Assert.Contains("tests/rehearse.sh", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }

    [Fact]
    public void An_unknown_context_lists_the_contexts_there_are()
    {
        var run = Run(_mesh.Kubeconfig, "--context=production");

        Assert.True(run.ExitCode == 3, run.Output);
        Assert.Contains($"The context 'production' (context setting) is not in the kubeconfig {_mesh.Kubeconfig}; it defines: simulated.", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.Requests);
    }

    [Fact]
    public void A_server_that_does_not_answer_is_named_with_its_address()
    {
        var run = Run(Kubeconfig(text => text.Replace(_mesh.Cluster.Url, "https://127.0.0.1:1", StringComparison.Ordinal)));

        Assert.True(run.ExitCode == 3, run.Output);
        Assert.Contains("Cannot reach the API server of context 'simulated'", run.Output, StringComparison.Ordinal);
        Assert.Contains("(server https://127.0.0.1:1)", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.Requests);
    }

    [Fact]
    public void A_server_certificate_the_client_rejects_says_to_fetch_a_fresh_kubeconfig()
    {
        var otherCa = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(OtherCertificateAuthorityPem()));
        var ours = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_mesh.Cluster.CaCertificatePem));
        var run = Run(Kubeconfig(text => text.Replace(ours, otherCa, StringComparison.Ordinal)));

        Assert.True(run.ExitCode == 3, run.Output);
        Assert.Contains("presented a certificate this client rejects", run.Output, StringComparison.Ordinal);
        Assert.Contains("fetch a fresh kubeconfig", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.Requests);
    }

    [Fact]
    public void A_token_the_server_does_not_know_is_a_401_after_one_request()
    {
        var run = Run(Kubeconfig(text => text.Replace(_mesh.Cluster.Token, "expired-token", StringComparison.Ordinal)));

        Assert.True(run.ExitCode == 3, run.Output);
        Assert.Contains("rejected the credentials (401 Unauthorized)", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, run.Requests);
    }

    [Fact]
    public void A_user_without_rights_is_a_403_after_one_request()
    {
        var run = Run(Kubeconfig(text => text.Replace(_mesh.Cluster.Token, _mesh.Cluster.UnprivilegedToken, StringComparison.Ordinal)));

        Assert.True(run.ExitCode == 3, run.Output);
        Assert.Contains("(403 Forbidden)", run.Output, StringComparison.Ordinal);
        Assert.Contains("cluster-admin", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, run.Requests);
    }

    [Fact]
    public void A_dry_run_never_touches_the_cluster()
    {
        var run = Run(Kubeconfig(text => text.Replace(_mesh.Cluster.Url, "https://127.0.0.1:1", StringComparison.Ordinal)), "--dryrun");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(0, run.Requests);
    }

    public async Task DisposeAsync()
    {
        await _mesh.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private (int ExitCode, string Output, int Requests) Run(string kubeconfig, params string[] args)
    {
        var before = _mesh.Cluster.Requests.Records.Count;
        var (exitCode, output) = SimulatedMesh.RunPipeline(_scratch, [$"--kubeconfig={kubeconfig}", .. args]);
        return (exitCode, output, _mesh.Cluster.Requests.Records.Count - before);
    }

    private string Kubeconfig(Func<string, string> edit)
    {
        var path = Path.Combine(_scratch, $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, edit(File.ReadAllText(_mesh.Kubeconfig)));
        return path;
    }

    private static string OtherCertificateAuthorityPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=another cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
