using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Build.Certificates;

/// <summary>Reading certificates and private keys out of PEM text, and writing them back.</summary>
internal static class Pem
{
    /// <summary>The first certificate of <paramref name="pem"/>, or null and what is wrong, as a clause.</summary>
    public static X509Certificate2? ReadFirstCertificate(string pem, out string? problem)
    {
        problem = null;
        foreach (var (label, der) in Blocks(pem))
        {
            if (label != "CERTIFICATE")
            {
                continue;
            }

            try
            {
                return X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException e)
            {
                problem = $"its first CERTIFICATE block is not an X.509 certificate ({e.Message.TrimEnd('.')})";
                return null;
            }
        }

        problem = "no '-----BEGIN CERTIFICATE-----' block was found";
        return null;
    }

    /// <summary>The first private key of <paramref name="pem"/> as ECDsa or RSA, or null and what is wrong, as a clause.</summary>
    public static AsymmetricAlgorithm? ReadPrivateKey(string pem, out string? problem)
    {
        problem = null;
        foreach (var (label, der) in Blocks(pem))
        {
            AsymmetricAlgorithm? key;
            switch (label)
            {
                case "PRIVATE KEY":
                    key = (AsymmetricAlgorithm?)Import(ECDsa.Create(), ec => ec.ImportPkcs8PrivateKey(der, out _))
                        ?? Import(RSA.Create(), rsa => rsa.ImportPkcs8PrivateKey(der, out _));
                    break;
                case "EC PRIVATE KEY":
                    key = Import(ECDsa.Create(), ec => ec.ImportECPrivateKey(der, out _));
                    break;
                case "RSA PRIVATE KEY":
                    key = Import(RSA.Create(), rsa => rsa.ImportRSAPrivateKey(der, out _));
                    break;
                case "ENCRYPTED PRIVATE KEY":
                    problem = "the key is encrypted with a password, and the gateway can only use an unencrypted key";
                    return null;
                default:
                    continue;
            }

            if (key is null)
            {
                problem = $"its {label} block is neither an ECDSA nor an RSA private key";
            }

            return key;
        }

        problem = "no '-----BEGIN PRIVATE KEY-----' block was found";
        return null;
    }

    /// <summary>A CERTIFICATE block ending in a newline, so blocks can be concatenated into a chain.</summary>
    public static string Write(X509Certificate2 certificate) => PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n";

    /// <summary>An unencrypted PKCS#8 PRIVATE KEY block ending in a newline.</summary>
    public static string Write(AsymmetricAlgorithm key) => PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()) + "\n";

    private static List<(string Label, byte[] Der)> Blocks(string pem)
    {
        var blocks = new List<(string, byte[])>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            // TryFind has checked the base64; the decoder skips its line breaks.
            blocks.Add((rest[fields.Label].ToString(), Convert.FromBase64String(rest[fields.Base64Data].ToString())));
            rest = rest[fields.Location.End..];
        }

        return blocks;
    }

    private static T? Import<T>(T key, Action<T> import) where T : AsymmetricAlgorithm
    {
        try
        {
            import(key);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }
}
