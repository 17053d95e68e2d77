using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Build.Certificates;
using static Mesh.Build.Tests.Certificates.Issued;

namespace Mesh.Build.Tests.Certificates;

/// <summary>What a first run of tls-mode self-signed issues: the CA, the server certificate and the Secret data.</summary>
public sealed class GatewayCertificatesTests
{
    private static readonly string[] Hosts = ["mailhog.example.com", "*.apps.example.com", "grafana.example.com"];

    private readonly CertificatePlan _plan = GatewayCertificates.Plan(new GatewayCertificateRequest(Hosts), ca: null, server: null, Now);

    [Fact]
    public void First_run_creates_a_CA_and_a_server_certificate_and_says_so()
    {
        Assert.True(_plan.CaChanged);
        Assert.True(_plan.ServerChanged);
        Assert.Equal("created: no CA yet", _plan.CaReason);
        Assert.Equal("created: no certificate yet", _plan.ServerReason);
    }

    [Fact]
    public void Server_certificate_names_exactly_the_hosts_and_the_first_one_as_common_name()
    {
        using var server = Server(_plan);

        Assert.Equal(Hosts, DnsNames(server));
        Assert.Empty(Extension<X509SubjectAlternativeNameExtension>(server).EnumerateIPAddresses());
        Assert.Equal("CN=mailhog.example.com, O=istio-mesh pipeline", server.Subject);
    }

    [Fact]
    public void Server_certificate_is_a_TLS_server_certificate_with_a_random_16_byte_serial()
    {
        using var server = Server(_plan);
        using var ca = Ca(_plan);

        Assert.Equal(["1.3.6.1.5.5.7.3.1"], Extension<X509EnhancedKeyUsageExtension>(server).EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Extension<X509KeyUsageExtension>(server).KeyUsages);
        Assert.False(Extension<X509BasicConstraintsExtension>(server).CertificateAuthority);
        var serial = server.SerialNumberBytes.Span;
        Assert.Equal(16, serial.Length);
        Assert.True(serial[0] < 0x80, "the serial number is positive");
        Assert.NotEqual(server.SerialNumber, ca.SerialNumber);
        Assert.Equal(
            Extension<X509SubjectKeyIdentifierExtension>(ca).SubjectKeyIdentifierBytes.ToArray(),
            Extension<X509AuthorityKeyIdentifierExtension>(server).KeyIdentifier!.Value.ToArray());
        Assert.NotNull(Extension<X509SubjectKeyIdentifierExtension>(server).SubjectKeyIdentifier);
    }

    [Fact]
    public void CA_is_a_self_signed_certificate_authority_that_only_signs()
    {
        using var ca = Ca(_plan);

        Assert.Equal("CN=istio-mesh gateway CA, O=istio-mesh pipeline", ca.Subject);
        Assert.Equal(ca.Subject, ca.Issuer);
        var constraints = Extension<X509BasicConstraintsExtension>(ca);
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Extension<X509KeyUsageExtension>(ca);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.True(usage.Critical);
        Assert.Equal(16, ca.SerialNumberBytes.Length);
    }

    [Fact]
    public void Keys_are_ECDSA_P256_by_default()
    {
        using var server = Server(_plan);
        using var ca = Ca(_plan);

        foreach (var certificate in new[] { server, ca })
        {
            using var key = certificate.GetECDsaPublicKey();
            Assert.NotNull(key);
            Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        }
    }

    [Fact]
    public void CA_lives_10_years_and_the_server_certificate_1_year_both_from_5_minutes_ago()
    {
        using var server = Server(_plan);
        using var ca = Ca(_plan);

        Assert.Equal(Now.AddMinutes(-5), new DateTimeOffset(ca.NotBefore));
        Assert.Equal(new DateTimeOffset(2036, 3, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(ca.NotAfter));
        Assert.Equal(Now.AddMinutes(-5), new DateTimeOffset(server.NotBefore));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(server.NotAfter));
    }

    [Fact]
    public void Server_validity_is_configurable()
    {
        var plan = GatewayCertificates.Plan(new GatewayCertificateRequest(Hosts, serverValidity: TimeSpan.FromDays(90)), null, null, Now);
        using var server = Server(plan);

        Assert.Equal(Now.AddDays(90), new DateTimeOffset(server.NotAfter));
    }

    [Fact]
    public void A_client_trusting_only_ca_crt_accepts_tls_crt_for_server_authentication()
    {
        var chainPem = new X509Certificate2Collection();
        chainPem.ImportFromPem(_plan.TlsCertificatePem);
        using var ca = X509Certificate2.CreateFromPem(_plan.Ca.CertificatePem);

        Assert.Equal(2, chainPem.Count);
        Assert.Equal("CN=mailhog.example.com, O=istio-mesh pipeline", chainPem[0].Subject);
        Assert.Equal(ca.RawData, chainPem[1].RawData);
        using var chain = Chain(chainPem[0], ca, Now.AddMonths(6));
        Assert.True(chain.ChainStatus.Length == 0, string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
        Assert.Equal(2, chain.ChainElements.Count);
    }

    [Fact]
    public void Keys_are_unencrypted_PKCS8_and_pair_with_their_certificates()
    {
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", _plan.Server.PrivateKeyPem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", _plan.Ca.PrivateKeyPem);
        using var server = X509Certificate2.CreateFromPem(_plan.TlsCertificatePem, _plan.Server.PrivateKeyPem);
        using var ca = X509Certificate2.CreateFromPem(_plan.Ca.CertificatePem, _plan.Ca.PrivateKeyPem);

        Assert.True(server.HasPrivateKey);
        Assert.True(ca.HasPrivateKey);
    }

    [Fact]
    public void A_host_too_long_for_a_common_name_is_still_named_in_the_subject_alternative_name()
    {
        var longHost = string.Join('.', Enumerable.Repeat("abcdefghij", 7)) + ".example.com";

        var plan = GatewayCertificates.Plan(new GatewayCertificateRequest([longHost]), null, null, Now);
        using var server = Server(plan);

        Assert.Equal("O=istio-mesh pipeline", server.Subject);
        Assert.Equal([longHost], DnsNames(server));
    }
}
