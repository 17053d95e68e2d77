using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Build.Istio;

/// <summary>What a TLS handshake with the gateway for one host returned: its certificate, or why there was none.</summary>
public sealed record GatewayHandshake(X509Certificate2? Certificate, string Detail)
{
    /// <summary>
    /// Connects to the gateway's address and https port, asks for <paramref name="host"/> by SNI and keeps the
    /// certificate it presents. Trust is not judged here: the caller compares it with the one it expects.
    /// </summary>
    public static async Task<GatewayHandshake> TryAsync(GatewayAddress gateway, string host, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (gateway.Address is null)
        {
            return new(null, $"the gateway has no address ({gateway.How})");
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(gateway.Address, gateway.HttpsPort, cancel.Token);
            X509Certificate2? presented = null;
            await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                return true;
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cancel.Token);
            return new(presented, $"{gateway.Address}:{gateway.HttpsPort}");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return new(null, $"{gateway.Address}:{gateway.HttpsPort} did not complete a handshake within {timeout.TotalSeconds:0} s ({e.Message})");
        }
    }
}
