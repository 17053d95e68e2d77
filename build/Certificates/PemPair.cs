namespace Mesh.Build.Certificates;

/// <summary>
/// A certificate and its private key as PEM text, as they are stored in a Secret. A certificate PEM may carry
/// a chain after the certificate itself (a gateway Secret's tls.crt does); only the first certificate counts.
/// </summary>
public sealed record PemPair(string CertificatePem, string PrivateKeyPem);
