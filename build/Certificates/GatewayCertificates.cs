using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Build.Certificates;

/// <summary>
/// The self-signed gateway certificate (tls-mode self-signed): a CA and a server certificate it signs for every
/// gateway host, kept across runs and replaced only when they no longer fit. PEM in, PEM out; no cluster access.
/// </summary>
public static class GatewayCertificates
{
    private const string Organization = "istio-mesh pipeline";
    private const int CaValidityYears = 10;

    // Issued certificates start a little in the past, so a client whose clock is behind still accepts them.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>
    /// Decides what to store: the CA is kept while it is readable, valid and outlives a server certificate issued
    /// now; the server certificate is kept while it is signed by that CA, matches its key, names exactly the
    /// requested hosts and is outside the renewal window. Whatever is not kept is issued anew.
    /// </summary>
    /// <param name="request">The hosts and key type wanted.</param>
    /// <param name="ca">The CA pair from the pipeline's own Secret, or null on the first run.</param>
    /// <param name="server">The gateway Secret's tls.crt and tls.key, or null when there is none.</param>
    /// <param name="now">The time validity is judged at and new certificates start from.</param>
    public static CertificatePlan Plan(GatewayCertificateRequest request, PemPair? ca, PemPair? server, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);

        var caReason = JudgeCa(request, ca, now, out var keptCa);
        using var currentCa = keptCa ?? IssueCa(request, now);

        KeyedCertificate? keptServer = null;
        var serverReason = keptCa is null
            ? server is null ? "created: no certificate yet" : "reissued: the CA was replaced"
            : JudgeServer(request, server, currentCa, now, out keptServer);
        using var currentServer = keptServer ?? IssueServer(request, currentCa, now);

        return new CertificatePlan(
            currentCa.ToPem(),
            currentServer.ToPem(),
            CaChanged: keptCa is null,
            ServerChanged: keptServer is null,
            caReason,
            serverReason);
    }

    private static string JudgeCa(GatewayCertificateRequest request, PemPair? stored, DateTimeOffset now, out KeyedCertificate? kept)
    {
        kept = null;
        if (stored is null)
        {
            return "created: no CA yet";
        }

        var ca = KeyedCertificate.Read(stored, out var unreadable);
        if (ca is null)
        {
            return $"replaced: the stored CA could not be read ({unreadable})";
        }

        var replacement = CaReplacement(request, ca, now);
        if (replacement is not null)
        {
            ca.Dispose();
            return replacement;
        }

        kept = ca;
        return $"kept: valid until {Day(ca.NotAfter)}";
    }

    private static string? CaReplacement(GatewayCertificateRequest request, KeyedCertificate ca, DateTimeOffset now)
    {
        if (!Keys.BelongsTo(ca.Key, ca.Certificate))
        {
            return "replaced: the stored CA key does not belong to the CA certificate";
        }

        if (ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            return "replaced: the stored certificate is not a CA";
        }

        var wanted = Keys.Describe(request.Key);
        var found = Keys.Describe(ca.Key);
        if (found != wanted)
        {
            return $"replaced: its key is {found}, wanted {wanted}";
        }

        if (ca.NotBefore > now)
        {
            return $"replaced: not valid until {Time(ca.NotBefore)}";
        }

        if (ca.NotAfter <= now)
        {
            return $"renewed: expired {Day(ca.NotAfter)}";
        }

        // A server certificate must not outlive the CA that signed it.
        return ca.NotAfter < now + request.ServerValidity
            ? $"renewed: expires {Day(ca.NotAfter)}, before a server certificate issued now would"
            : null;
    }

    private static string JudgeServer(GatewayCertificateRequest request, PemPair? stored, KeyedCertificate ca, DateTimeOffset now, out KeyedCertificate? kept)
    {
        kept = null;
        if (stored is null)
        {
            return "created: no certificate yet";
        }

        var server = KeyedCertificate.Read(stored, out var unreadable);
        if (server is null)
        {
            return $"reissued: the stored certificate could not be read ({unreadable})";
        }

        var replacement = ServerReplacement(request, server, ca, now);
        if (replacement is not null)
        {
            server.Dispose();
            return replacement;
        }

        kept = server;
        return $"kept: valid until {Day(server.NotAfter)}, covers {request.Hosts.Count} host{(request.Hosts.Count == 1 ? string.Empty : "s")}";
    }

    private static string? ServerReplacement(GatewayCertificateRequest request, KeyedCertificate server, KeyedCertificate ca, DateTimeOffset now)
    {
        if (!Keys.BelongsTo(server.Key, server.Certificate))
        {
            return "reissued: the stored private key does not belong to the certificate";
        }

        if (!IsSignedBy(server.Certificate, ca.Certificate))
        {
            return "reissued: not signed by the current CA";
        }

        var wanted = Keys.Describe(request.Key);
        var found = Keys.Describe(server.Key);
        if (found != wanted)
        {
            return $"reissued: its key is {found}, wanted {wanted}";
        }

        var names = HostNames.DnsNames(server.Certificate);
        var added = request.Hosts.Except(names, StringComparer.OrdinalIgnoreCase).Select(host => "+" + host);
        var removed = names.Except(request.Hosts, StringComparer.OrdinalIgnoreCase).Select(host => "-" + host);
        var changes = added.Concat(removed).ToList();
        if (changes.Count > 0)
        {
            return $"reissued: hosts changed ({string.Join(", ", changes)})";
        }

        if (server.NotBefore > now)
        {
            return $"reissued: not valid until {Time(server.NotBefore)}";
        }

        if (server.NotAfter <= now)
        {
            return $"renewed: expired {Day(server.NotAfter)}";
        }

        return server.NotAfter <= now + request.RenewBefore
            ? $"renewed: expires {Day(server.NotAfter)}, within the {request.RenewBefore.TotalDays:0.##}-day renewal window"
            : null;
    }

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Expiry is judged separately, with its own reason; here only the signature matters.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate)
            && chain.ChainElements.Count == 2
            && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }

    private static KeyedCertificate IssueCa(GatewayCertificateRequest request, DateTimeOffset now)
    {
        var key = Keys.Create(request.Key);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"{request.CaName} CA");
        subject.AddOrganizationName(Organization);
        var name = subject.Build();

        var certificateRequest = new CertificateRequest(name, new PublicKey(key), HashAlgorithmName.SHA256);
        certificateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        certificateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        certificateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(certificateRequest.PublicKey, critical: false));

        var certificate = certificateRequest.Create(name, Keys.Signer(key), now - ClockSkew, now.AddYears(CaValidityYears), SerialNumber());
        return new KeyedCertificate(certificate, key);
    }

    private static KeyedCertificate IssueServer(GatewayCertificateRequest request, KeyedCertificate ca, DateTimeOffset now)
    {
        var key = Keys.Create(request.Key);
        var subject = new X500DistinguishedNameBuilder();
        // A common name is at most 64 characters; clients read the hosts from the subjectAltName anyway.
        if (request.Hosts[0].Length <= 64)
        {
            subject.AddCommonName(request.Hosts[0]);
        }

        subject.AddOrganizationName(Organization);

        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in request.Hosts)
        {
            names.AddDnsName(host);
        }

        // RFC 5480: an ECDSA key signs but cannot encipher, so keyEncipherment is for RSA keys only.
        var usage = key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;

        var certificateRequest = new CertificateRequest(subject.Build(), new PublicKey(key), HashAlgorithmName.SHA256);
        certificateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        certificateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        certificateRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication], critical: false));
        certificateRequest.CertificateExtensions.Add(names.Build());
        certificateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(certificateRequest.PublicKey, critical: false));
        certificateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var certificate = certificateRequest.Create(ca.Certificate.SubjectName, Keys.Signer(ca.Key), now - ClockSkew, now + request.ServerValidity, SerialNumber());
        return new KeyedCertificate(certificate, key);
    }

    /// <summary>16 random bytes read as a positive integer that DER encodes in exactly 16 bytes.</summary>
    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A certificate with its private key, both parsed, so they can be checked, used to sign and written back.</summary>
    private sealed class KeyedCertificate(X509Certificate2 certificate, AsymmetricAlgorithm key) : IDisposable
    {
        public X509Certificate2 Certificate { get; } = certificate;

        public AsymmetricAlgorithm Key { get; } = key;

        public DateTimeOffset NotBefore => new(Certificate.NotBefore);

        public DateTimeOffset NotAfter => new(Certificate.NotAfter);

        public static KeyedCertificate? Read(PemPair pair, out string? problem)
        {
            var certificate = Pem.ReadFirstCertificate(pair.CertificatePem, out var certificateProblem);
            var key = Pem.ReadPrivateKey(pair.PrivateKeyPem, out var keyProblem);
            if (certificate is not null && key is not null)
            {
                problem = null;
                return new KeyedCertificate(certificate, key);
            }

            certificate?.Dispose();
            key?.Dispose();
            problem = string.Join("; ", new[] { Clause("certificate", certificateProblem), Clause("key", keyProblem) }.OfType<string>());
            return null;
        }

        public PemPair ToPem() => new(Pem.Write(Certificate), Pem.Write(Key));

        public void Dispose()
        {
            Certificate.Dispose();
            Key.Dispose();
        }

        private static string? Clause(string what, string? problem) => problem is null ? null : $"{what}: {problem}";
    }
}
