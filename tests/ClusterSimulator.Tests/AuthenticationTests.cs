using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

public sealed class AuthenticationTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task A_request_without_a_token_is_unauthorized()
    {
        using var client = Client(token: null);

        using var response = await client.GetAsync("/api/v1/namespaces");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal(401, (int?)status["code"]);
    }

    [Fact]
    public async Task A_token_the_server_does_not_know_is_unauthorized()
    {
        using var client = Client(token: "not-the-token");

        using var response = await client.GetAsync("/api/v1/namespaces");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_known_user_without_rights_is_forbidden()
    {
        using var client = Client(fixture.Cluster.UnprivilegedToken);

        using var response = await client.GetAsync("/api/v1/namespaces");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(SimulatedCluster.UnprivilegedUser, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_token_over_TLS_verified_against_the_generated_CA_is_served()
    {
        using var client = Client(fixture.Cluster.Token);

        var version = JsonNode.Parse(await client.GetStringAsync("/version"))!;
        var health = await client.GetStringAsync("/healthz");

        Assert.Equal("v1.35.2", (string?)version["gitVersion"]);
        Assert.Equal("35", (string?)version["minor"]);
        Assert.Equal("linux/amd64", (string?)version["platform"]);
        Assert.Equal("ok", health);
    }

    [Fact]
    public void The_serving_certificate_names_127_0_0_1_and_localhost_and_chains_only_to_the_generated_CA()
    {
        var names = fixture.Cluster.ServingCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        using var stranger = Certificates.CreateCertificateAuthority();

        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.True(Certificates.ChainsTo(fixture.Cluster.ServingCertificate, fixture.Cluster.CertificateAuthority));
        Assert.False(Certificates.ChainsTo(fixture.Cluster.ServingCertificate, stranger));
    }

    private HttpClient Client(string? token) => fixture.HttpClient(token);
}
