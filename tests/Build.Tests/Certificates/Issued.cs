using System.Security.Cryptography.X509Certificates;
using Mesh.Build.Certificates;

namespace Mesh.Build.Tests.Certificates;

/// <summary>The PEM a plan produces, read back the way a TLS client or kubectl would see it.</summary>
internal static class Issued
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static X509Certificate2 Server(CertificatePlan plan) => X509Certificate2.CreateFromPem(plan.Server.CertificatePem);

    public static X509Certificate2 Ca(CertificatePlan plan) => X509Certificate2.CreateFromPem(plan.Ca.CertificatePem);

    /// <summary>The gateway Secret's tls.crt and tls.key, as the next run reads them back.</summary>
    public static PemPair GatewaySecret(CertificatePlan plan) => new(plan.TlsCertificatePem, plan.Server.PrivateKeyPem);

    public static List<string> DnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();

    public static T Extension<T>(X509Certificate2 certificate) where T : X509Extension =>
        certificate.Extensions.OfType<T>().Single();

    /// <summary>Builds the chain the way a client trusting only ca.crt would, at <paramref name="at"/>.</summary>
    public static X509Chain Chain(X509Certificate2 server, X509Certificate2 ca, DateTimeOffset at)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.VerificationTime = at.LocalDateTime;
        chain.Build(server);
        return chain;
    }
}
