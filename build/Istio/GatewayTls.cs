using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Build.Istio;

/// <summary>How far a TLS handshake with the gateway got.</summary>
public enum HandshakeOutcome
{
    /// <summary>Nothing to connect to, or no route from this machine (a timeout, an unreachable network, an unknown name).</summary>
    Unreachable,

    /// <summary>The address answered, refusing the connection: nothing listens on the port.</summary>
    Refused,

    /// <summary>The connection was accepted but no handshake completed: no certificate for the host.</summary>
    NoCertificate,

    /// <summary>A certificate was presented.</summary>
    Certificate,
}

/// <summary>What a TLS handshake with the gateway for one host returned: its certificate, or how far it got and why.</summary>
public sealed record GatewayHandshake(HandshakeOutcome Outcome, X509Certificate2? Certificate, string Detail)
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
            return new(HandshakeOutcome.Unreachable, null, $"the gateway has no address ({gateway.How})");
        }

        var at = $"{gateway.Address}:{gateway.HttpsPort}";
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(gateway.Address, gateway.HttpsPort, cancel.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return new(HandshakeOutcome.Refused, null, $"{at} refused the connection");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new(HandshakeOutcome.Unreachable, null, $"{at} is not reachable from this machine within {timeout.TotalSeconds:0} s ({e.Message})");
        }

        X509Certificate2? presented = null;
        try
        {
            await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                return true;
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cancel.Token);
            return new(HandshakeOutcome.Certificate, presented, at);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return new(HandshakeOutcome.NoCertificate, null, $"{at} accepted the connection but completed no TLS handshake for {host} ({e.Message})");
        }
    }
}
