namespace Mesh.Build.Certificates;

/// <summary>The key type of the generated CA and server certificate.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA on P-256: small keys, fast handshakes, accepted by every current TLS client.</summary>
    EcdsaP256,

    /// <summary>RSA 2048, for clients that cannot verify ECDSA signatures.</summary>
    Rsa2048,

    /// <summary>RSA 3072, for policies that ask for more than 2048 bits.</summary>
    Rsa3072,
}
