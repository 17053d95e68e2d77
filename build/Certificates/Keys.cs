using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Build.Certificates;

/// <summary>The ECDSA and RSA keys certificates are made with: creating, describing, signing, matching.</summary>
internal static class Keys
{
    public static AsymmetricAlgorithm Create(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyAlgorithm.Rsa2048 => RSA.Create(2048),
        KeyAlgorithm.Rsa3072 => RSA.Create(3072),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>"ECDSA P-256", "RSA 2048": how the log and the messages name a key.</summary>
    public static string Describe(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => "ECDSA P-256",
        KeyAlgorithm.Rsa2048 => "RSA 2048",
        KeyAlgorithm.Rsa3072 => "RSA 3072",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    public static string Describe(AsymmetricAlgorithm key) => key switch
    {
        ECDsa => $"ECDSA P-{key.KeySize}",
        RSA => $"RSA {key.KeySize}",
        _ => key.GetType().Name,
    };

    public static string DescribePublicKey(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)certificate.GetECDsaPublicKey() ?? certificate.GetRSAPublicKey();
        return key is null ? certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown" : Describe(key);
    }

    public static X509SignatureGenerator Signer(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException($"A {key.GetType().Name} key cannot sign certificates here; only ECDSA and RSA keys can.", nameof(key)),
    };

    /// <summary>True when <paramref name="key"/> is the private half of the certificate's public key.</summary>
    public static bool BelongsTo(AsymmetricAlgorithm key, X509Certificate2 certificate)
    {
        switch (key)
        {
            case ECDsa ecdsa:
                {
                    using var certificateKey = certificate.GetECDsaPublicKey();
                    if (certificateKey is null)
                    {
                        return false;
                    }

                    var expected = certificateKey.ExportParameters(includePrivateParameters: false).Q;
                    var actual = ecdsa.ExportParameters(includePrivateParameters: false).Q;
                    return expected.X.AsSpan().SequenceEqual(actual.X) && expected.Y.AsSpan().SequenceEqual(actual.Y);
                }

            case RSA rsa:
                {
                    using var certificateKey = certificate.GetRSAPublicKey();
                    if (certificateKey is null)
                    {
                        return false;
                    }

                    var expected = certificateKey.ExportParameters(includePrivateParameters: false);
                    var actual = rsa.ExportParameters(includePrivateParameters: false);
                    return expected.Modulus.AsSpan().SequenceEqual(actual.Modulus) && expected.Exponent.AsSpan().SequenceEqual(actual.Exponent);
                }

            default:
                return false;
        }
    }
}
