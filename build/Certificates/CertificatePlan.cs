namespace Mesh.Build.Certificates;

/// <summary>
/// What <see cref="GatewayCertificates.Plan"/> decided: the CA and server pair to store (kept or new), whether each
/// changed, and why, in words for the log. The gateway Secret takes tls.crt = <see cref="TlsCertificatePem"/>,
/// tls.key = <c>Server.PrivateKeyPem</c> and ca.crt = <c>Ca.CertificatePem</c>; the CA key stays in the
/// pipeline's own Secret.
/// </summary>
public sealed record CertificatePlan(
    PemPair Ca,
    PemPair Server,
    bool CaChanged,
    bool ServerChanged,
    string CaReason,
    string ServerReason)
{
    /// <summary>The server certificate followed by the CA certificate, so clients receive the whole chain.</summary>
    public string TlsCertificatePem => Server.CertificatePem + Ca.CertificatePem;
}
