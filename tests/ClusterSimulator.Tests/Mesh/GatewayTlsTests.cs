using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The mesh fixture plus a definition shaped like Istio's Gateway (networking.istio.io/v1).</summary>
public sealed class GatewayTlsFixture : IAsyncLifetime
{
    public MeshFixture Mesh { get; } = new();

    public async Task InitializeAsync()
    {
        await Mesh.InitializeAsync();
        await Mesh.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gateways.networking.istio.io}
            spec:
              group: networking.istio.io
              scope: Namespaced
              names: {kind: Gateway, listKind: GatewayList, plural: gateways, singular: gateway, shortNames: [gw]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Mesh.Cluster.Store.Kinds.All.Any(k => k.Group == "networking.istio.io" && k.Plural == "gateways") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public Task DisposeAsync() => Mesh.DisposeAsync();
}

/// <summary>
/// A client outside the cluster reaching the ingress gateway: TLS at the load balancer's address (and at the
/// node's address and node port) with the certificate of the Gateway server whose hosts match the SNI.
/// </summary>
public sealed class GatewayTlsTests(GatewayTlsFixture fixture) : IClassFixture<GatewayTlsFixture>
{
    // Unprivileged ports, so the tests need no right to bind below 1024.
    private const int HttpsPort = 8443;
    private const int PodPort = 9443;

    private MeshFixture Mesh => fixture.Mesh;

    [Fact]
    public async Task The_load_balancer_presents_the_certificate_of_the_server_matching_the_sni_and_none_for_other_names()
    {
        var ns = await GatewayAsync("lb");
        using var web = Certificate("web.example.com");
        using var admin = Certificate("admin.example.com");
        await SecretAsync(ns, "web-tls", web);
        await SecretAsync(ns, "admin-tls", admin);
        await IstioGatewayAsync(ns, "web", ns, ("web.example.com", "web-tls"), ("admin.example.com", "admin-tls"));
        var address = await LoadBalancerAddressAsync(ns);

        var forWeb = await EventuallyAsync(() => HandshakeAsync(address, HttpsPort, "web.example.com"));
        var forAdmin = await HandshakeAsync(address, HttpsPort, "admin.example.com");
        var forOther = await HandshakeAsync(address, HttpsPort, "other.example.com");

        Assert.True(IPAddress.IsLoopback(address.Address), $"{address} is on the loopback range");
        Assert.Equal(web.Thumbprint, forWeb.Certificate?.Thumbprint);
        Assert.Equal(admin.Thumbprint, forAdmin.Certificate?.Thumbprint);
        Assert.Null(forOther.Certificate);
        Assert.True(forOther.Connected, "the listener is there; only the handshake is refused");
    }

    [Fact]
    public async Task A_changed_secret_is_served_on_the_next_handshake()
    {
        var ns = await GatewayAsync("rotate");
        using var first = Certificate("rotate.example.com");
        using var second = Certificate("rotate.example.com");
        await SecretAsync(ns, "rotate-tls", first);
        await IstioGatewayAsync(ns, "rotate", ns, ("rotate.example.com", "rotate-tls"));
        var address = await LoadBalancerAddressAsync(ns);
        var before = await EventuallyAsync(() => HandshakeAsync(address, HttpsPort, "rotate.example.com"));

        await Mesh.Client.CoreV1.ReplaceNamespacedSecretAsync(Secret("rotate-tls", second), "rotate-tls", ns);
        var after = await HandshakeAsync(address, HttpsPort, "rotate.example.com");

        Assert.Equal(first.Thumbprint, before.Certificate?.Thumbprint);
        Assert.Equal(second.Thumbprint, after.Certificate?.Thumbprint);
    }

    [Fact]
    public async Task Without_a_gateway_server_on_the_port_nothing_listens_and_a_missing_secret_gives_no_certificate()
    {
        var ns = await GatewayAsync("bare");
        var address = await LoadBalancerAddressAsync(ns);
        await Task.Delay(700);

        var refused = await HandshakeAsync(address, HttpsPort, "bare.example.com");
        await IstioGatewayAsync(ns, "bare", ns, ("bare.example.com", "missing-tls"));
        var listening = await EventuallyAsync(() => HandshakeAsync(address, HttpsPort, "bare.example.com"), until: h => h.Connected);

        Assert.False(refused.Connected, refused.Detail);
        Assert.True(listening.Connected, listening.Detail);
        Assert.Null(listening.Certificate);
    }

    [Fact]
    public async Task A_gateway_in_another_namespace_selects_the_pods_and_the_secret_comes_from_the_pods_namespace()
    {
        var ns = await GatewayAsync("cross");
        var routes = await Mesh.NamespaceAsync("routes");
        using var certificate = Certificate("*.cross.example.com");
        await SecretAsync(ns, "cross-tls", certificate);
        await IstioGatewayAsync(routes, "cross", ns, ("*.cross.example.com", "cross-tls"));
        var address = await LoadBalancerAddressAsync(ns);

        var handshake = await EventuallyAsync(() => HandshakeAsync(address, HttpsPort, "app.cross.example.com"));

        Assert.Equal(certificate.Thumbprint, handshake.Certificate?.Thumbprint);
    }

    [Fact]
    public async Task A_node_port_answers_at_the_nodes_address()
    {
        var ns = await GatewayAsync("nodeport", type: "NodePort");
        using var certificate = Certificate("node.example.com");
        await SecretAsync(ns, "node-tls", certificate);
        await IstioGatewayAsync(ns, "node", ns, ("node.example.com", "node-tls"));
        var service = await Mesh.Client.CoreV1.ReadNamespacedServiceAsync("ingress", ns);
        var nodePort = service.Spec.Ports.Single(p => p.Port == HttpsPort).NodePort!.Value;

        var handshake = await EventuallyAsync(() => HandshakeAsync(new IPEndPoint(Mesh.Cluster.Network.NodeAddress, nodePort), nodePort, "node.example.com"));

        Assert.Equal(certificate.Thumbprint, handshake.Certificate?.Thumbprint);
    }

    [Fact]
    public async Task The_listeners_stop_with_the_simulator()
    {
        var mesh = new GatewayTlsFixture();
        await mesh.InitializeAsync();
        IPEndPoint address;
        try
        {
            var ns = await GatewayAsync("stop", mesh.Mesh);
            using var certificate = Certificate("stop.example.com");
            await SecretAsync(ns, "stop-tls", certificate, mesh.Mesh);
            await IstioGatewayAsync(ns, "stop", ns, [("stop.example.com", "stop-tls")], mesh.Mesh);
            address = await LoadBalancerAddressAsync(ns, mesh.Mesh);
            var served = await EventuallyAsync(() => HandshakeAsync(address, HttpsPort, "stop.example.com"));
            Assert.NotNull(served.Certificate);
            Assert.NotEqual(Mesh.Cluster.Network.NodeAddress, mesh.Mesh.Cluster.Network.NodeAddress);
        }
        finally
        {
            await mesh.DisposeAsync();
        }

        var after = await HandshakeAsync(address, HttpsPort, "stop.example.com");

        Assert.False(after.Connected, after.Detail);
    }

    // ---- helpers ----

    private sealed record Handshake(bool Connected, X509Certificate2? Certificate, string Detail);

    /// <summary>An injected, Ready gateway pod behind Service "ingress" (HttpsPort to PodPort) in a new namespace; returns the namespace.</summary>
    private async Task<string> GatewayAsync(string prefix, MeshFixture? on = null, string type = "LoadBalancer")
    {
        var mesh = on ?? Mesh;
        var ns = await mesh.NamespaceAsync(prefix);
        var app = $"gw-{ns}";
        var pod = await mesh.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "ingress-0",
                    Labels = new Dictionary<string, string> { ["app"] = app, ["istio"] = app, ["sidecar.istio.io/inject"] = "true" },
                    Annotations = new Dictionary<string, string> { ["inject.istio.io/templates"] = "gateway" },
                },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "istio-proxy", Image = "auto" }] },
            },
            ns);
        Assert.Equal(["proxy", "router"], pod.Spec.Containers.Single().Args.Take(2));
        await mesh.MarkReadyAsync(ns, "ingress-0");
        await mesh.Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "ingress" },
                Spec = new V1ServiceSpec
                {
                    Type = type,
                    Selector = new Dictionary<string, string> { ["app"] = app },
                    Ports = [new V1ServicePort { Name = "https", Port = HttpsPort, TargetPort = PodPort }],
                },
            },
            ns);
        return ns;
    }

    private Task IstioGatewayAsync(string ns, string name, string gatewayNs, params (string Host, string Credential)[] servers) =>
        IstioGatewayAsync(ns, name, gatewayNs, servers, Mesh);

    private static Task IstioGatewayAsync(string ns, string name, string gatewayNs, (string Host, string Credential)[] servers, MeshFixture mesh) =>
        mesh.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new System.Text.Json.Nodes.JsonObject
            {
                ["apiVersion"] = "networking.istio.io/v1",
                ["kind"] = "Gateway",
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name },
                ["spec"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["selector"] = new System.Text.Json.Nodes.JsonObject { ["istio"] = $"gw-{gatewayNs}" },
                    ["servers"] = new System.Text.Json.Nodes.JsonArray([.. servers.Select((server, i) => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                    {
                        ["port"] = new System.Text.Json.Nodes.JsonObject { ["number"] = HttpsPort, ["name"] = $"https-{i}", ["protocol"] = "HTTPS" },
                        ["hosts"] = new System.Text.Json.Nodes.JsonArray($"*/{server.Host}"),
                        ["tls"] = new System.Text.Json.Nodes.JsonObject { ["mode"] = "SIMPLE", ["credentialName"] = server.Credential },
                    })]),
                },
            },
            "networking.istio.io",
            "v1",
            ns,
            "gateways");

    private Task SecretAsync(string ns, string name, X509Certificate2 certificate, MeshFixture? on = null) =>
        (on ?? Mesh).Client.CoreV1.CreateNamespacedSecretAsync(Secret(name, certificate), ns);

    private static V1Secret Secret(string name, X509Certificate2 certificate) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()),
            ["tls.key"] = Encoding.ASCII.GetBytes(certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()),
        },
    };

    private async Task<IPEndPoint> LoadBalancerAddressAsync(string ns, MeshFixture? on = null)
    {
        var mesh = on ?? Mesh;
        for (var i = 0; i < 100; i++)
        {
            var service = await mesh.Client.CoreV1.ReadNamespacedServiceAsync("ingress", ns);
            if (service.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip is { } ip)
            {
                return new IPEndPoint(IPAddress.Parse(ip), HttpsPort);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no load-balancer address for {ns}/ingress");
    }

    private static X509Certificate2 Certificate(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static async Task<Handshake> HandshakeAsync(IPEndPoint address, int port, string host)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await client.ConnectAsync(address.Address, port, timeout.Token);
        }
        catch (SocketException error)
        {
            return new Handshake(false, null, $"{address.Address}:{port}: {error.SocketErrorCode}");
        }

        X509Certificate2? presented = null;
        await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : new X509Certificate2(certificate);
            return true;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, timeout.Token);
            return new Handshake(true, presented, "handshake completed");
        }
        catch (Exception error) when (error is IOException or System.Security.Authentication.AuthenticationException)
        {
            return new Handshake(true, null, error.Message);
        }
    }

    // The controllers open listeners on their next pass (at most half a second): try for a few seconds.
    private static async Task<Handshake> EventuallyAsync(Func<Task<Handshake>> attempt, Func<Handshake, bool>? until = null)
    {
        until ??= h => h.Certificate is not null;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var handshake = await attempt();
            if (until(handshake) || DateTime.UtcNow > deadline)
            {
                return handshake;
            }

            await Task.Delay(100);
        }
    }
}
