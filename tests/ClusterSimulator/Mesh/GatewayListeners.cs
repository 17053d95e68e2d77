using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>A Service port reached from outside the cluster: at its load-balancer address, or at the node's address and its nodePort.</summary>
public sealed record Frontend(IPEndPoint Endpoint, string Namespace, string Service, int ServicePort);

/// <summary>
/// The part of an ingress gateway a client outside the cluster reaches, on the simulator's loopback
/// addresses: a TCP listener per <see cref="Frontend"/> whose Service sends to Ready gateway pods with a
/// Gateway server on the target port (where nothing listens, a connection is refused, as it is by a pod
/// with no Envoy listener on the port). Each connection is resolved again (the Service's first Ready gateway
/// pod, the target port) and its TLS handshake answered with the certificate <see cref="GatewayServers"/>
/// picks for the SNI; with none, the handshake is cut off, as Envoy closes a connection no filter chain
/// matches. Requests after the handshake are not routed: the connection is closed when the client sends
/// anything or after ten seconds.
/// </summary>
public sealed class GatewayListeners(ObjectStore store) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(10);

    private readonly Dictionary<IPEndPoint, Listener> _open = [];
    private readonly Dictionary<IPEndPoint, string> _problems = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The endpoints listening now.</summary>
    public IReadOnlyList<IPEndPoint> Listening
    {
        get { lock (_open) { return [.. _open.Keys]; } }
    }

    /// <summary>Why an endpoint that should listen does not (its port taken, or privileged without the right to bind it).</summary>
    public IReadOnlyDictionary<IPEndPoint, string> Problems
    {
        get { lock (_open) { return new Dictionary<IPEndPoint, string>(_problems); } }
    }

    /// <summary>Opens a listener for each wanted frontend not listening yet, and closes those no longer wanted.</summary>
    public void Reconcile(IReadOnlyCollection<Frontend> wanted)
    {
        lock (_open)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            var byEndpoint = wanted.GroupBy(f => f.Endpoint).ToDictionary(g => g.Key, g => g.First());
            foreach (var (endpoint, listener) in _open.Where(o => !byEndpoint.ContainsKey(o.Key)).ToList())
            {
                listener.Stop();
                _open.Remove(endpoint);
            }

            foreach (var gone in _problems.Keys.Where(e => !byEndpoint.ContainsKey(e)).ToList())
            {
                _problems.Remove(gone);
            }

            foreach (var (endpoint, frontend) in byEndpoint)
            {
                if (_open.TryGetValue(endpoint, out var open))
                {
                    open.Frontend = frontend;
                    continue;
                }

                var socket = new TcpListener(endpoint);
                try
                {
                    socket.Start();
                }
                catch (SocketException error)
                {
                    socket.Dispose();
                    _problems[endpoint] = $"cannot listen on {endpoint} for {frontend.Namespace}/{frontend.Service}: {error.SocketErrorCode} ({error.Message})";
                    continue;
                }

                _problems.Remove(endpoint);
                var listener = new Listener(socket, frontend);
                listener.Loop = AcceptAsync(listener);
                _open[endpoint] = listener;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Listener> listeners;
        lock (_open)
        {
            _stop.Cancel();
            listeners = [.. _open.Values];
            _open.Clear();
        }

        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(listeners.Select(l => l.Loop));
        _stop.Dispose();
    }

    private async Task AcceptAsync(Listener listener)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.Socket.AcceptTcpClientAsync(listener.Stopped.Token);
                connections.RemoveAll(c => c.IsCompleted);
                connections.Add(Task.Run(() => ServeAsync(client, listener.Frontend, listener.Stopped.Token)));
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
        listener.Stopped.Dispose();
    }

    private async Task ServeAsync(TcpClient client, Frontend frontend, CancellationToken stopped)
    {
        using var connection = client;
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stopped, _stop.Token);
        lifetime.CancelAfter(ConnectionLifetime);
        try
        {
            if (Backend(frontend) is not var (pod, podPort))
            {
                return;
            }

            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(
                (_, hello, _, _) =>
                {
                    var credential = GatewayServers.CredentialFor(store, pod, podPort, hello.ServerName)
                        ?? throw new AuthenticationException($"no certificate for \"{hello.ServerName}\" on {frontend.Namespace}/{frontend.Service}:{frontend.ServicePort}");
                    return ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = SslStreamCertificateContext.Create(credential.Certificate, credential.Chain, offline: true),
                        ClientCertificateRequired = false,
                    });
                },
                null,
                lifetime.Token);
            _ = await tls.ReadAsync(new byte[1], lifetime.Token);
        }
        catch (Exception error) when (error is IOException or AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException or ApiError)
        {
        }
    }

    // The Service's first Ready gateway pod now, and the pod port the frontend's Service port sends to.
    private (JsonObject Pod, int Port)? Backend(Frontend frontend)
    {
        JsonObject service;
        try
        {
            service = store.Get(ObjectStore.Kind("Service"), frontend.Namespace, frontend.Service);
        }
        catch (ApiError error) when (error.Code == 404)
        {
            return null;
        }

        var servicePort = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => Endpoints.Number(p["port"]) == frontend.ServicePort);
        var pod = Endpoints.Ready(store, service).FirstOrDefault(GatewayServers.IsGatewayPod);
        return servicePort is null || pod is null ? null : (pod, Endpoints.TargetPort(servicePort, pod));
    }

    private sealed class Listener(TcpListener socket, Frontend frontend)
    {
        public TcpListener Socket { get; } = socket;

        public CancellationTokenSource Stopped { get; } = new();

        public Frontend Frontend { get; set; } = frontend;

        public Task Loop { get; set; } = Task.CompletedTask;

        public void Stop()
        {
            Stopped.Cancel();
            Socket.Stop();
        }
    }
}
