using System.Text;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: a full run at --verbosity=diagnostic, a process of its own, with a DNS credential in the Secret that
/// dns-credentials-secret names and the gateway's generated keys: neither the credential nor a key's PEM body shows
/// in its output or in any file outside the cluster (its artifacts, its TMPDIR and scratch directory, the repository's
/// work tree); a file that holds a private key while the run runs is 0600, and none is left at the end. Teardown
/// then keeps the namespace that holds the user's credentials.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SecretsTests
{
    private const string Credential = "mesh-test-credential-7f3a9c1e";

    [Fact]
    public async Task Neither_the_DNS_credential_nor_a_generated_key_leaves_the_cluster()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var temp = Directory.CreateTempSubdirectory("mesh-secrets-").FullName;
        var started = DateTime.UtcNow;
        mesh.Kubectl("create", "namespace", "external-dns");
        mesh.Kubectl("create", "secret", "generic", "route53-credentials", "-n", "external-dns", $"--from-literal=credentials=[default]\naws_secret_access_key = {Credential}\n");
        // What files exist while the run runs: taken as helm installs and as the gateway's Secrets are written.
        var seen = new Dictionary<string, (string Text, UnixFileMode Mode)>(StringComparer.Ordinal);
        void OnRecorded(RequestRecord request)
        {
            if (PipelineProcess.IsMutating(request) && (request.Path.Contains("/namespaces/istio-ingress/secrets", StringComparison.Ordinal) || request.Path.Contains("/configmaps", StringComparison.Ordinal)))
            {
                foreach (var file in Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories))
                {
                    try
                    {
                        seen[file] = (File.ReadAllText(file), File.GetUnixFileMode(file));
                    }
                    catch (IOException)
                    {
                        // Removed while we looked.
                    }
                }
            }
        }

        mesh.Cluster.Requests.Recorded += OnRecorded;
        string output;
        try
        {
            // Without the runtime's debug pipes and diagnostic socket in TMPDIR: a FIFO would block the reading of every file there.
            using var pipeline = PipelineProcess.Start(
                mesh, temp, new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" }, "--verbosity=diagnostic", "--dns-provider=aws", "--domain=mesh.example.com", "--dns-credentials-secret=route53-credentials", "--proofs=off");
            var exitCode = await pipeline.ExitCodeAsync(TimeSpan.FromMinutes(3));
            output = pipeline.Output;
            Assert.True(exitCode == 0, output);
        }
        finally
        {
            mesh.Cluster.Requests.Recorded -= OnRecorded;
        }

        try
        {
            string[] secrets = [Credential, PemBody(mesh, "mesh-gateway-tls", "tls\\.key"), PemBody(mesh, "mesh-gateway-ca", "ca\\.key")];
            Assert.NotEmpty(seen);
            var files = seen.Select(entry => (Where: $"{entry.Key} (while the run ran)", entry.Value.Text))
                .Concat(FilesNow(temp, DateTime.MinValue))
                .Concat(FilesNow(mesh.WorkingDirectory, DateTime.MinValue))
                .Concat(FilesNow(SimulatedMesh.RepositoryRoot, started))
                .ToList();
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
                Assert.All(files, file => Assert.False(file.Text.Contains(secret, StringComparison.Ordinal), $"{file.Where} holds a secret ({secret[..12]}...)"));
            }

            Assert.All(
                seen.Where(entry => entry.Value.Text.Contains("PRIVATE KEY", StringComparison.Ordinal)),
                entry => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, entry.Value.Mode));
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp));

            // Teardown leaves the credentials' namespace alone: the Secret is the user's, and the audit does not count it.
            var teardown = mesh.Run("--target=Teardown", "--dns-provider=aws", "--domain=mesh.example.com", "--dns-credentials-secret=route53-credentials");
            Assert.True(teardown.ExitCode == 0, teardown.ToString());
            Assert.Contains("external-dns/external-dns: uninstalled", teardown.Output, StringComparison.Ordinal);
            Assert.Contains("namespace external-dns stays: it holds the Secret route53-credentials (dns-credentials-secret), which is yours", teardown.Output, StringComparison.Ordinal);
            Assert.Equal("secret/route53-credentials", mesh.Kubectl("get", "secret", "route53-credentials", "-n", "external-dns", "-o", "name").Trim());
            Assert.DoesNotContain(Credential, teardown.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The base64 body of a private key the run generated, as the cluster holds it (no header, no line breaks).</summary>
    private static string PemBody(SimulatedMesh mesh, string secret, string key)
    {
        var pem = Encoding.UTF8.GetString(Convert.FromBase64String(mesh.Kubectl("get", "secret", secret, "-n", "istio-ingress", "-o", $"jsonpath={{.data.{key}}}")));
        Assert.Contains("PRIVATE KEY", pem, StringComparison.Ordinal);
        // A line of the body: how it would show in a log or a file, wrapped at 64 characters or not.
        return pem.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----", StringComparison.Ordinal)).MaxBy(line => line.Length)!;
    }

    /// <summary>Text files under a directory written since <paramref name="since"/> (build output and git's store aside).</summary>
    private static IEnumerable<(string Where, string Text)> FilesNow(string root, DateTime since) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(file => !file.Contains("/bin/", StringComparison.Ordinal) && !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/.git/", StringComparison.Ordinal)
                && !file.Contains("/tools/", StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) >= since)
            .Select(file => (file, File.ReadAllText(file)));
}
