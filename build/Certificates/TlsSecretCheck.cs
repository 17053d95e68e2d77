using System.Globalization;

namespace Mesh.Build.Certificates;

/// <summary>
/// The check of a user's kubernetes.io/tls Secret (tls-mode existing-secret) before the gateway serves it. Every
/// problem is collected as a sentence saying what was expected, what was found and what to do, so one run reports
/// them all; nothing here throws for bad certificate or key data.
/// </summary>
public sealed class TlsSecretCheck
{
    private TlsSecretCheck(IReadOnlyList<string> problems, IReadOnlyList<string> warnings)
    {
        Problems = problems;
        Warnings = warnings;
    }

    /// <summary>What makes the Secret unusable for the gateway; empty when it is usable.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>What is fine today but needs attention soon, such as an expiry within 30 days.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public bool IsUsable => Problems.Count == 0;

    /// <summary>Checks tls.crt and tls.key against the gateway hosts; throws only when the hosts themselves are invalid.</summary>
    public static TlsSecretCheck Validate(string certificatePem, string keyPem, IReadOnlyList<string> hosts, DateTimeOffset now)
    {
        var wanted = HostNames.Validate(hosts, nameof(hosts));
        var problems = new List<string>();
        var warnings = new List<string>();

        using var certificate = Pem.ReadFirstCertificate(certificatePem ?? string.Empty, out var certificateProblem);
        using var key = Pem.ReadPrivateKey(keyPem ?? string.Empty, out var keyProblem);
        if (certificate is null)
        {
            problems.Add($"tls.crt could not be read: {certificateProblem}. It must hold the server certificate in PEM, followed by any intermediate certificates; put them there, or use tls-mode self-signed.");
        }

        if (key is null)
        {
            problems.Add($"tls.key could not be read: {keyProblem}. It must hold the server certificate's unencrypted private key in PEM (PKCS#8 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY'); put that key there.");
        }

        if (certificate is null)
        {
            return new TlsSecretCheck(problems, warnings);
        }

        var subject = $"the certificate in tls.crt ({certificate.Subject}, serial {certificate.SerialNumber})";
        if (key is not null && !Keys.BelongsTo(key, certificate))
        {
            problems.Add($"tls.key does not belong to {subject}: the key is {Keys.Describe(key)} and the certificate's public key ({Keys.DescribePublicKey(certificate)}) is not its public half. Put the private key that was issued with this certificate in tls.key.");
        }

        var notBefore = new DateTimeOffset(certificate.NotBefore);
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        if (notAfter <= now)
        {
            problems.Add($"{Capitalized(subject)} expired on {Time(notAfter)} (checked at {Time(now)}). Renew it and update the Secret; the pipeline does not renew a certificate it did not issue.");
        }
        else if (notBefore > now)
        {
            problems.Add($"{Capitalized(subject)} is not valid until {Time(notBefore)} (checked at {Time(now)}). Check the clock of the machine that issued it, or wait until then.");
        }
        else if (notAfter <= now + GatewayCertificateRequest.DefaultRenewBefore)
        {
            warnings.Add($"{Capitalized(subject)} expires on {Time(notAfter)}, in {(notAfter - now).TotalDays:0} days. Renew it and update the Secret before then; the pipeline does not renew a certificate it did not issue.");
        }

        var names = HostNames.DnsNames(certificate);
        var missing = wanted.Where(host => !names.Any(name => HostNames.Covers(name, host))).ToList();
        if (missing.Count > 0)
        {
            var found = names.Count == 0 ? "it has no DNS names in its subjectAltName" : $"its DNS names are {string.Join(", ", names)}";
            problems.Add($"{Capitalized(subject)} does not cover {string.Join(", ", missing)}, which the gateway serves; {found}. Issue a certificate whose subjectAltName names every gateway host (a wildcard such as *.example.com covers exactly one label), or use tls-mode self-signed.");
        }

        return new TlsSecretCheck(problems, warnings);
    }

    private static string Capitalized(string sentence) => char.ToUpperInvariant(sentence[0]) + sentence[1..];

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
