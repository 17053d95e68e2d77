using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>One simulated API server per test class, with its kubeconfig written to a temporary file.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-sim-").FullName;

    public SimulatedCluster Cluster { get; } = new();

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    public async Task InitializeAsync()
    {
        await Cluster.StartAsync();
        Cluster.WriteKubeconfig(KubeconfigPath);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A fresh name, so tests sharing one server never see each other's objects.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>
    /// An HttpClient that trusts exactly the simulator's CA (the chain must end there and the name must
    /// match), with <paramref name="token"/> as its bearer token when given.
    /// </summary>
    public HttpClient HttpClient(string? token)
    {
        var ca = X509Certificate2.CreateFromPem(Cluster.CaCertificatePem);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 served
                    && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                    && Certificates.ChainsTo(served, ca),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Cluster.Url) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
