using System.Security.Cryptography.X509Certificates;
using Mesh.Build.Certificates;
using static Mesh.Build.Tests.Certificates.Issued;

namespace Mesh.Build.Tests.Certificates;

/// <summary>Later runs of tls-mode self-signed: what is kept, what is replaced, and the reason the log shows.</summary>
public sealed class CertificateRenewalTests
{
    private static readonly string[] Hosts = ["mailhog.example.com", "kiali.example.com"];
    private static readonly GatewayCertificateRequest Request = new(Hosts);

    // The first run at Now: the CA expires 2036-03-01, the server certificate 2027-03-01 (12:00 UTC).
    private readonly CertificatePlan _first = GatewayCertificates.Plan(Request, null, null, Now);

    [Fact]
    public void A_rerun_with_nothing_changed_keeps_both_and_writes_the_same_bytes()
    {
        var second = GatewayCertificates.Plan(Request, _first.Ca, GatewaySecret(_first), Now.AddDays(1));

        Assert.False(second.CaChanged);
        Assert.False(second.ServerChanged);
        Assert.Equal("kept: valid until 2036-03-01", second.CaReason);
        Assert.Equal("kept: valid until 2027-03-01, covers 2 hosts", second.ServerReason);
        using var before = Server(_first);
        using var after = Server(second);
        Assert.Equal(before.SerialNumber, after.SerialNumber);
        Assert.Equal(_first.TlsCertificatePem, second.TlsCertificatePem);
        Assert.Equal(_first.Server.PrivateKeyPem, second.Server.PrivateKeyPem);
        Assert.Equal(_first.Ca, second.Ca);
    }

    [Fact]
    public void The_same_hosts_in_another_order_or_case_are_kept()
    {
        var second = GatewayCertificates.Plan(new GatewayCertificateRequest(["KIALI.example.com", "mailhog.example.com"]), _first.Ca, GatewaySecret(_first), Now.AddDays(1));

        Assert.False(second.ServerChanged, second.ServerReason);
    }

    [Theory]
    [InlineData(31, 30, false, "kept: valid until 2027-03-01, covers 2 hosts")]
    [InlineData(29, 30, true, "renewed: expires 2027-03-01, within the 30-day renewal window")]
    [InlineData(45, 60, true, "renewed: expires 2027-03-01, within the 60-day renewal window")]
    [InlineData(-1, 30, true, "renewed: expired 2027-03-01")]
    public void The_server_certificate_is_renewed_within_the_renewal_window(int daysLeft, int renewBeforeDays, bool renewed, string reason)
    {
        using var first = Server(_first);
        var now = new DateTimeOffset(first.NotAfter).AddDays(-daysLeft);
        var request = new GatewayCertificateRequest(Hosts, renewBefore: TimeSpan.FromDays(renewBeforeDays));

        var plan = GatewayCertificates.Plan(request, _first.Ca, GatewaySecret(_first), now);

        Assert.Equal(renewed, plan.ServerChanged);
        Assert.Equal(reason, plan.ServerReason);
        Assert.False(plan.CaChanged);
        using var server = Server(plan);
        Assert.Equal(renewed ? now.AddDays(365) : new DateTimeOffset(first.NotAfter), new DateTimeOffset(server.NotAfter));
    }

    [Fact]
    public void Changed_hosts_reissue_the_server_certificate_under_the_same_CA()
    {
        var plan = GatewayCertificates.Plan(new GatewayCertificateRequest(["kiali.example.com", "grafana.example.com"]), _first.Ca, GatewaySecret(_first), Now.AddDays(1));

        Assert.Equal("reissued: hosts changed (+grafana.example.com, -mailhog.example.com)", plan.ServerReason);
        Assert.True(plan.ServerChanged);
        Assert.False(plan.CaChanged);
        Assert.Equal(_first.Ca, plan.Ca);
        using var server = Server(plan);
        using var ca = Ca(plan);
        Assert.Equal(["kiali.example.com", "grafana.example.com"], DnsNames(server));
        using var chain = Chain(server, ca, Now.AddDays(2));
        Assert.Empty(chain.ChainStatus);
    }

    [Theory]
    [InlineData(200, "renewed: expires 2036-03-01, before a server certificate issued now would")]
    [InlineData(-1, "renewed: expired 2036-03-01")]
    public void A_CA_that_would_expire_before_a_new_server_certificate_replaces_both(int daysLeft, string reason)
    {
        var now = new DateTimeOffset(2036, 3, 1, 12, 0, 0, TimeSpan.Zero).AddDays(-daysLeft);

        var plan = GatewayCertificates.Plan(Request, _first.Ca, GatewaySecret(_first), now);

        Assert.Equal(reason, plan.CaReason);
        Assert.Equal("reissued: the CA was replaced", plan.ServerReason);
        Assert.True(plan.CaChanged);
        Assert.True(plan.ServerChanged);
        using var oldCa = Ca(_first);
        using var ca = Ca(plan);
        using var server = Server(plan);
        Assert.NotEqual(oldCa.SerialNumber, ca.SerialNumber);
        Assert.Equal(now.AddYears(10), new DateTimeOffset(ca.NotAfter));
        using var chain = Chain(server, ca, now);
        Assert.Empty(chain.ChainStatus);
    }

    [Fact]
    public void A_server_certificate_from_another_CA_is_reissued_and_the_CA_kept()
    {
        var other = GatewayCertificates.Plan(Request, null, null, Now);

        var plan = GatewayCertificates.Plan(Request, _first.Ca, GatewaySecret(other), Now.AddDays(1));

        Assert.Equal("reissued: not signed by the current CA", plan.ServerReason);
        Assert.False(plan.CaChanged);
        using var server = Server(plan);
        using var ca = Ca(_first);
        using var chain = Chain(server, ca, Now.AddDays(1));
        Assert.Empty(chain.ChainStatus);
    }

    [Fact]
    public void A_server_key_that_does_not_match_its_certificate_is_detected_and_the_pair_reissued()
    {
        var other = GatewayCertificates.Plan(Request, null, null, Now);

        var plan = GatewayCertificates.Plan(Request, _first.Ca, new PemPair(_first.TlsCertificatePem, other.Server.PrivateKeyPem), Now.AddDays(1));

        Assert.Equal("reissued: the stored private key does not belong to the certificate", plan.ServerReason);
        Assert.True(plan.ServerChanged);
        using var server = X509Certificate2.CreateFromPem(plan.TlsCertificatePem, plan.Server.PrivateKeyPem);
        Assert.True(server.HasPrivateKey);
    }

    [Fact]
    public void A_CA_key_that_does_not_match_its_certificate_replaces_the_CA()
    {
        var other = GatewayCertificates.Plan(Request, null, null, Now);

        var plan = GatewayCertificates.Plan(Request, _first.Ca with { PrivateKeyPem = other.Ca.PrivateKeyPem }, GatewaySecret(_first), Now.AddDays(1));

        Assert.Equal("replaced: the stored CA key does not belong to the CA certificate", plan.CaReason);
        Assert.Equal("reissued: the CA was replaced", plan.ServerReason);
    }

    [Fact]
    public void A_stored_CA_that_is_not_a_CA_is_replaced()
    {
        var plan = GatewayCertificates.Plan(Request, GatewaySecret(_first), GatewaySecret(_first), Now.AddDays(1));

        Assert.Equal("replaced: the stored certificate is not a CA", plan.CaReason);
    }

    [Fact]
    public void An_unreadable_CA_is_replaced_with_what_was_wrong_in_the_reason()
    {
        var plan = GatewayCertificates.Plan(Request, new PemPair("garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), GatewaySecret(_first), Now.AddDays(1));

        Assert.Equal(
            "replaced: the stored CA could not be read (certificate: no '-----BEGIN CERTIFICATE-----' block was found; key: its PRIVATE KEY block is neither an ECDSA nor an RSA private key)",
            plan.CaReason);
        Assert.True(plan.CaChanged);
    }

    [Fact]
    public void Switching_to_RSA_2048_replaces_both_with_RSA_2048_keys()
    {
        var plan = GatewayCertificates.Plan(new GatewayCertificateRequest(Hosts, KeyAlgorithm.Rsa2048), _first.Ca, GatewaySecret(_first), Now.AddDays(1));

        Assert.Equal("replaced: its key is ECDSA P-256, wanted RSA 2048", plan.CaReason);
        Assert.Equal("reissued: the CA was replaced", plan.ServerReason);
        using var server = X509Certificate2.CreateFromPem(plan.TlsCertificatePem, plan.Server.PrivateKeyPem);
        using var ca = Ca(plan);
        Assert.Equal(2048, server.GetRSAPublicKey()?.KeySize);
        Assert.Equal(2048, ca.GetRSAPublicKey()?.KeySize);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, Extension<X509KeyUsageExtension>(server).KeyUsages);
        using var chain = Chain(server, ca, Now.AddDays(1));
        Assert.Empty(chain.ChainStatus);

        var rerun = GatewayCertificates.Plan(new GatewayCertificateRequest(Hosts, KeyAlgorithm.Rsa2048), plan.Ca, GatewaySecret(plan), Now.AddDays(2));
        Assert.False(rerun.CaChanged, rerun.CaReason);
        Assert.False(rerun.ServerChanged, rerun.ServerReason);
        Assert.Equal(plan.TlsCertificatePem + plan.Server.PrivateKeyPem, rerun.TlsCertificatePem + rerun.Server.PrivateKeyPem);
    }
}
