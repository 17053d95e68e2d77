using System.Security.Cryptography;
using Mesh.Build.Certificates;
using static Mesh.Build.Tests.Certificates.Issued;

namespace Mesh.Build.Tests.Certificates;

/// <summary>tls-mode existing-secret: a user's Secret is checked and every problem reported, never thrown.</summary>
public sealed class TlsSecretCheckTests
{
    private static readonly string[] Hosts = ["mailhog.example.com", "grafana.example.com"];

    // Issued 100 days before Now, so it expires 2026-11-21 12:00 UTC.
    private static readonly CertificatePlan Secret = GatewayCertificates.Plan(new GatewayCertificateRequest(Hosts), null, null, Now.AddDays(-100));
    private static readonly CertificatePlan Wildcard = GatewayCertificates.Plan(new GatewayCertificateRequest(["*.example.com"]), null, null, Now);

    [Fact]
    public void A_good_secret_has_no_problems_and_no_warnings()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, Hosts, Now);

        Assert.True(check.IsUsable);
        Assert.Empty(check.Problems);
        Assert.Empty(check.Warnings);
    }

    [Theory]
    [InlineData("mailhog.example.com", true)]
    [InlineData("MailHog.Example.COM", true)]
    [InlineData("*.example.com", true)]
    [InlineData("a.b.example.com", false)]
    [InlineData("example.com", false)]
    [InlineData("mailhog.example.org", false)]
    [InlineData("*.b.example.com", false)]
    public void A_wildcard_covers_exactly_one_label(string host, bool covered)
    {
        var check = TlsSecretCheck.Validate(Wildcard.TlsCertificatePem, Wildcard.Server.PrivateKeyPem, [host], Now);

        Assert.Equal(covered, check.IsUsable);
    }

    [Fact]
    public void A_missing_host_is_named_with_the_names_the_certificate_has()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, ["mailhog.example.com", "kiali.example.com", "jaeger.example.com"], Now);

        var problem = Assert.Single(check.Problems);
        Assert.StartsWith("The certificate in tls.crt (CN=mailhog.example.com, O=istio-mesh pipeline, serial ", problem);
        Assert.EndsWith(
            " does not cover kiali.example.com, jaeger.example.com, which the gateway serves; its DNS names are mailhog.example.com, grafana.example.com. "
            + "Issue a certificate whose subjectAltName names every gateway host (a wildcard such as *.example.com covers exactly one label), or use tls-mode self-signed.",
            problem);
    }

    [Fact]
    public void An_expired_certificate_is_a_problem()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, Hosts, Now.AddDays(300));

        var problem = Assert.Single(check.Problems);
        Assert.EndsWith(
            " expired on 2026-11-21 12:00 UTC (checked at 2026-12-26 12:00 UTC). Renew it and update the Secret; the pipeline does not renew a certificate it did not issue.",
            problem);
        Assert.Empty(check.Warnings);
    }

    [Fact]
    public void A_certificate_expiring_within_30_days_is_usable_with_a_warning()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, Hosts, new DateTimeOffset(2026, 11, 9, 12, 0, 0, TimeSpan.Zero));

        Assert.True(check.IsUsable);
        var warning = Assert.Single(check.Warnings);
        Assert.Contains(" expires on 2026-11-21 12:00 UTC, in 12 days. Renew it and update the Secret before then", warning);
    }

    [Fact]
    public void A_certificate_not_valid_yet_is_a_problem()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, Hosts, Now.AddDays(-101));

        Assert.Contains(" is not valid until 2025-11-21 11:55 UTC (checked at 2025-11-20 12:00 UTC).", Assert.Single(check.Problems));
    }

    [Fact]
    public void A_key_from_another_certificate_is_a_problem()
    {
        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, Wildcard.Server.PrivateKeyPem, Hosts, Now);

        var problem = Assert.Single(check.Problems);
        Assert.StartsWith("tls.key does not belong to the certificate in tls.crt (CN=mailhog.example.com", problem);
        Assert.EndsWith(
            "the key is ECDSA P-256 and the certificate's public key (ECDSA P-256) is not its public half. Put the private key that was issued with this certificate in tls.key.",
            problem);
    }

    [Fact]
    public void A_key_of_another_type_is_a_problem_that_names_both_types()
    {
        using var rsa = RSA.Create(2048);

        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, rsa.ExportPkcs8PrivateKeyPem(), Hosts, Now);

        Assert.Contains("the key is RSA 2048 and the certificate's public key (ECDSA P-256) is not its public half", Assert.Single(check.Problems));
    }

    [Fact]
    public void An_EC_PRIVATE_KEY_block_is_accepted_as_well_as_PKCS8()
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(Secret.Server.PrivateKeyPem);

        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, key.ExportECPrivateKeyPem(), Hosts, Now);

        Assert.True(check.IsUsable, string.Join(" ", check.Problems));
    }

    [Fact]
    public void Garbage_in_both_fields_gives_two_problems_instead_of_an_exception()
    {
        var check = TlsSecretCheck.Validate("not a certificate", "not a key", Hosts, Now);

        Assert.False(check.IsUsable);
        Assert.Equal(
            [
                "tls.crt could not be read: no '-----BEGIN CERTIFICATE-----' block was found. It must hold the server certificate in PEM, followed by any intermediate certificates; put them there, or use tls-mode self-signed.",
                "tls.key could not be read: no '-----BEGIN PRIVATE KEY-----' block was found. It must hold the server certificate's unencrypted private key in PEM (PKCS#8 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY'); put that key there.",
            ],
            check.Problems);
    }

    [Fact]
    public void A_certificate_block_that_is_not_a_certificate_is_a_problem()
    {
        var check = TlsSecretCheck.Validate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", Secret.Server.PrivateKeyPem, Hosts, Now);

        Assert.StartsWith("tls.crt could not be read: its first CERTIFICATE block is not an X.509 certificate (", Assert.Single(check.Problems));
    }

    [Fact]
    public void An_encrypted_key_is_a_problem_that_says_so()
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(Secret.Server.PrivateKeyPem);
        var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));

        var check = TlsSecretCheck.Validate(Secret.TlsCertificatePem, encrypted, Hosts, Now);

        Assert.Equal(
            "tls.key could not be read: the key is encrypted with a password, and the gateway can only use an unencrypted key. It must hold the server certificate's unencrypted private key in PEM (PKCS#8 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY'); put that key there.",
            Assert.Single(check.Problems));
    }

    [Fact]
    public void An_invalid_host_is_a_programming_error_and_throws()
    {
        Assert.Throws<ArgumentException>(() => TlsSecretCheck.Validate(Secret.TlsCertificatePem, Secret.Server.PrivateKeyPem, ["not a host"], Now));
    }
}
