using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Mesh.Build.Certificates;

/// <summary>Gateway host names: which are acceptable, and whether a certificate's DNS name covers one (RFC 6125).</summary>
internal static partial class HostNames
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    /// <summary>The hosts without case-insensitive repeats; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string>? hosts, string parameterName)
    {
        if (hosts is null || hosts.Count == 0)
        {
            throw new ArgumentException("The gateway certificate needs at least one host, such as mailhog.example.com.", parameterName);
        }

        foreach (var host in hosts)
        {
            var problem = Problem(host);
            if (problem is not null)
            {
                throw new ArgumentException(problem, parameterName);
            }
        }

        return hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// True when the certificate name <paramref name="dnsName"/> covers <paramref name="host"/>: equal ignoring case,
    /// or a wildcard standing for exactly the host's first label (so *.example.com covers a.example.com, but neither
    /// a.b.example.com nor example.com). A wildcard host is covered only by the same wildcard.
    /// </summary>
    public static bool Covers(string dnsName, string host)
    {
        if (dnsName.Equals(host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!dnsName.StartsWith("*.", StringComparison.Ordinal) || host.StartsWith('*'))
        {
            return false;
        }

        var firstDot = host.IndexOf('.');
        return firstDot > 0 && host[firstDot..].Equals(dnsName[1..], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The DNS names of the certificate's subjectAltName; clients ignore the common name, and so do we.</summary>
    public static IReadOnlyList<string> DnsNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAlternativeNameOid];
        if (extension is null)
        {
            return [];
        }

        try
        {
            return new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical).EnumerateDnsNames().ToList();
        }
        catch (CryptographicException)
        {
            // A malformed extension names nothing a client would accept either.
            return [];
        }
    }

    private static string? Problem(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return "A gateway host is empty; each host must be a DNS name such as mailhog.example.com.";
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (host.Length > 253 || !DnsName().IsMatch(name))
        {
            return $"'{host}' is not a DNS name: use labels of at most 63 letters, digits and '-' separated by '.', such as mailhog.example.com, or '*.' followed by one for a wildcard.";
        }

        var labels = name.Split('.');
        if (labels[^1].All(char.IsAsciiDigit))
        {
            return $"'{host}' looks like an IP address; the gateway certificate names DNS hosts only, so use a name such as {host}.sslip.io.";
        }

        if (name != host && labels.Length < 2)
        {
            return $"'{host}' is too broad a wildcard: it must stand for the first label of a name with at least two more, such as *.example.com.";
        }

        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$", RegexOptions.IgnoreCase)]
    private static partial Regex DnsName();
}
