using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterSimulator;

/// <summary>
/// A simulated Kubernetes API server on 127.0.0.1 over HTTPS with a bearer token, for tests: the real
/// kubectl, helm and KubernetesClient reach it through the kubeconfig it writes.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private WebApplication? _app;
    private ControllerManager? _controllers;

    public SimulatedCluster()
    {
        CertificateAuthority = Certificates.CreateCertificateAuthority();
        ServingCertificate = Certificates.CreateServingCertificate(CertificateAuthority);
        Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Store = new ObjectStore { Controllers = Controllers, MeshOptions = MeshOptions };

        // The node's address is this simulator's, on the loopback range: NodePorts answer there.
        var node = Store.Get(ObjectStore.Kind("Node"), null, SimulatedNode.Name);
        node["status"] = SimulatedNode.Status(Network.NodeAddress.ToString());
        Store.Replace(ObjectStore.Kind("Node"), null, SimulatedNode.Name, node, statusOnly: true);
    }

    public ObjectStore Store { get; }

    /// <summary>This simulator's addresses on the loopback range: the node's and the load balancers'.</summary>
    public LoopbackNetwork Network { get; } = new();

    /// <summary>Every request answered, for tests that count calls (see also <c>GET /_sim/requests</c>).</summary>
    public RequestLog Requests { get; } = new();

    /// <summary>Faults injected into matching requests (see also <c>POST /_sim/faults</c>).</summary>
    public Faults Faults { get; } = new();

    /// <summary>The simulated controllers (Deployments, ReplicaSets, Jobs, kubelet, EndpointSlices, load balancers, CRD establishing).</summary>
    public ControllerOptions Controllers { get; } = new();

    /// <summary>How the simulated mesh behaves (sidecar injection, the sidecars' mTLS, Prometheus's scraping): switches to break it.</summary>
    public MeshOptions MeshOptions { get; } = new();

    /// <summary>
    /// Runs a Job's pod to its end: its exit code and log. By default <see cref="CurlProbe.Run"/>, which answers
    /// curl calls to Services with the mesh's rules (and exits 0 with an empty log for anything else).
    /// </summary>
    public Func<System.Text.Json.Nodes.JsonObject, ObjectStore, PodRun> RunPod { get; set; } = CurlProbe.Run;

    /// <summary>The last unexpected error of the controller loop (null when none): a simulator bug for a test to report.</summary>
    public Exception? ControllerError => _controllers?.LastError;

    /// <summary>The ingress gateway's listeners on <see cref="Network"/>'s addresses, while the simulator runs.</summary>
    public GatewayListeners? GatewayListeners => _controllers?.Listeners;

    public X509Certificate2 CertificateAuthority { get; }

    public X509Certificate2 ServingCertificate { get; }

    public string CaCertificatePem => CertificateAuthority.ExportCertificatePem();

    public string Token { get; }

    /// <summary>A second user's token: authenticated, but allowed nothing (every request but /version is 403).</summary>
    public string UnprivilegedToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    public const string UnprivilegedUser = "system:serviceaccount:default:no-rights";

    public string Url { get; private set; } = "";

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(ServingCertificate)));
        _app = builder.Build();

        var api = new ApiServer(Store);
        var hooks = new TestHooks(Requests, Faults);
        _app.Use(hooks.RecordAsync);
        _app.Use(async (context, next) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            // As kube-apiserver: credentials it cannot authenticate are 401; a known user without rights is 403.
            if (authorization.Length == 0 || (authorization != $"Bearer {Token}" && authorization != $"Bearer {UnprivilegedToken}"))
            {
                await ApiServer.WriteAsync(context, 401, new ApiError(401, "Unauthorized", "Unauthorized").ToStatus());
            }
            else if (authorization == $"Bearer {UnprivilegedToken}" && !context.Request.Path.StartsWithSegments("/version"))
            {
                await ApiServer.WriteAsync(context, 403, new ApiError(403, "Forbidden", $"{UnprivilegedUser} cannot {context.Request.Method.ToLowerInvariant()} {context.Request.Path}").ToStatus());
            }
            else
            {
                await next(context);
            }
        });
        _app.Use(hooks.AdminOrFaultAsync);
        _app.Run(api.HandleAsync);
        await _app.StartAsync(cancellationToken);
        _controllers = new ControllerManager(Store, Controllers, Network, pod => RunPod(pod, Store));
        _controllers.Start();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Url = $"https://127.0.0.1:{new Uri(address).Port}";
    }

    /// <summary>Writes a kubeconfig whose current context, <c>simulated</c>, reaches this server.</summary>
    public void WriteKubeconfig(string path)
    {
        if (Url.Length == 0)
        {
            throw new InvalidOperationException("Start the simulated cluster before writing its kubeconfig.");
        }

        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(CaCertificatePem));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: simulated
              cluster:
                server: {Url}
                certificate-authority-data: {ca}
            users:
            - name: simulated
              user:
                token: {Token}
            contexts:
            - name: simulated
              context:
                cluster: simulated
                user: simulated
                namespace: default
            current-context: simulated

            """);
    }

    public async ValueTask DisposeAsync()
    {
        if (_controllers is not null)
        {
            await _controllers.DisposeAsync();
            _controllers = null;
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }

        ServingCertificate.Dispose();
        CertificateAuthority.Dispose();
        Network.Dispose();
    }
}
