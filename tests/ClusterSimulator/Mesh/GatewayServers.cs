using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The certificate an ingress gateway presents for a TLS server, read from its Secret, and where it came from.</summary>
public sealed record GatewayCredential(X509Certificate2 Certificate, X509Certificate2Collection Chain, string Source);

/// <summary>
/// What an Istio ingress gateway's Envoy serves, as istiod configures it from the <c>Gateway</c> resources
/// (networking.istio.io, any served version) whose <c>spec.selector</c> matches the gateway pod's labels, in
/// any namespace. A server listens on the pod port its <c>port.number</c> names through a Service selecting
/// the pod (that Service port's targetPort), else on the number itself. For a TLS handshake on that port the
/// server whose <c>hosts</c> match the SNI most specifically wins, as Envoy's filter chain match does: an exact
/// name, then the longest <c>*.suffix</c>, then <c>*</c> (the only kind that matches a client sending no SNI);
/// between equals the oldest Gateway (Istio keeps the first of conflicting servers). A terminating server
/// (<c>tls.mode</c> SIMPLE or MUTUAL) presents the certificate of its <c>credentialName</c>, the Secret of that
/// name in the gateway pod's namespace (<c>tls.crt</c>/<c>tls.key</c>, or <c>cert</c>/<c>key</c>), read on
/// every handshake as SDS would push a change. Anything else gives no certificate: no server for the name, a
/// passthrough server, a missing or unreadable Secret.
/// </summary>
public static class GatewayServers
{
    /// <summary>True when the pod runs Istio's proxy as a gateway: the gateway template's <c>istio-proxy</c> with <c>proxy router</c>.</summary>
    public static bool IsGatewayPod(JsonObject pod) =>
        (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Any(c =>
            (string?)c["name"] == SidecarInjector.ProxyContainer
            && c["args"] is JsonArray args && args.Count >= 2 && (string?)args[0] == "proxy" && (string?)args[1] == "router");

    /// <summary>The Gateway resources stored, oldest first; none before their definition is served.</summary>
    public static IReadOnlyList<JsonObject> Gateways(ObjectStore store)
    {
        var kind = store.Kinds.All.FirstOrDefault(k => k.Group == "networking.istio.io" && k.Plural == "gateways");
        return kind is null
            ? []
            : [.. (store.List(kind, null, LabelSelector.Parse(null), _ => true)["items"] as JsonArray ?? []).OfType<JsonObject>()
                .OrderBy(g => (string?)g["metadata"]?["creationTimestamp"] ?? "", StringComparer.Ordinal)
                .ThenBy(g => $"{ObjectStore.Namespace(g)}/{g["metadata"]?["name"]}", StringComparer.Ordinal)];
    }

    /// <summary>The servers of the Gateways selecting <paramref name="pod"/> that listen on its port <paramref name="podPort"/>, oldest Gateway first.</summary>
    public static IReadOnlyList<JsonObject> ServersOn(ObjectStore store, JsonObject pod, int podPort)
    {
        var labels = ObjectStore.Labels(pod);
        var services = SelectingServices(store, pod);
        return [.. Gateways(store)
            .Where(g => SelectorMatch.Matches(new JsonObject { ["matchLabels"] = g["spec"]?["selector"]?.DeepClone() }, labels))
            .SelectMany(g => (g["spec"]?["servers"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(server => ListenerPort(server, services, pod) == podPort)];
    }

    /// <summary>The certificate the gateway pod presents on <paramref name="podPort"/> to a client asking for <paramref name="serverName"/>; null when none.</summary>
    public static GatewayCredential? CredentialFor(ObjectStore store, JsonObject pod, int podPort, string? serverName)
    {
        var best = ServersOn(store, pod, podPort)
            .Select((server, order) => (Server: server, Order: order, Score: Hosts(server).Select(h => Specificity(h, serverName)).DefaultIfEmpty(-1).Max()))
            .Where(candidate => candidate.Score >= 0)
            .OrderByDescending(candidate => candidate.Score)
            .ThenBy(candidate => candidate.Order)
            .Select(candidate => candidate.Server)
            .FirstOrDefault();
        var tls = best?["tls"];
        if (tls is null || (string?)tls["mode"] is not ("SIMPLE" or "MUTUAL"))
        {
            return null;
        }

        var credential = (string?)tls["credentialName"] ?? (string?)(tls["credentialNames"] as JsonArray)?.FirstOrDefault();
        if (string.IsNullOrEmpty(credential))
        {
            return null;
        }

        var ns = ObjectStore.Namespace(pod);
        JsonObject secret;
        try
        {
            secret = store.Get(ObjectStore.Kind("Secret"), ns, credential);
        }
        catch (ApiError error) when (error.Code == 404)
        {
            return null;
        }

        var certificate = Field(secret, "tls.crt") ?? Field(secret, "cert");
        var key = Field(secret, "tls.key") ?? Field(secret, "key");
        if (certificate is null || key is null)
        {
            return null;
        }

        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(certificate);
            using var leaf = X509Certificate2.CreateFromPem(certificate, key);

            // A PKCS#12 round trip gives a key every TLS stack accepts for serving.
            var served = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
            chain.RemoveAt(0);
            return new GatewayCredential(served, chain, $"{ns}/{credential}");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    // The Services in the pod's namespace whose selector picks it.
    private static List<JsonObject> SelectingServices(ObjectStore store, JsonObject pod)
    {
        var labels = ObjectStore.Labels(pod);
        return [.. (store.List(ObjectStore.Kind("Service"), ObjectStore.Namespace(pod), LabelSelector.Parse(null), _ => true)["items"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(s => s["spec"]?["selector"] is JsonObject { Count: > 0 } selector
                && SelectorMatch.Matches(new JsonObject { ["matchLabels"] = selector.DeepClone() }, labels))];
    }

    // Istio maps a server's port number through the gateway's Service to the port Envoy listens on.
    private static int ListenerPort(JsonObject server, List<JsonObject> services, JsonObject pod)
    {
        var number = Endpoints.Number(server["port"]?["number"]);
        if (Endpoints.Number(server["port"]?["targetPort"]) is > 0 and var explicitTarget)
        {
            return explicitTarget;
        }

        var servicePort = services.SelectMany(s => (s["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(p => Endpoints.Number(p["port"]) == number);
        return servicePort is null ? number : Endpoints.TargetPort(servicePort, pod);
    }

    // A server's hosts without their namespace part ("ns/host", "./host", "*/host").
    private static IEnumerable<string> Hosts(JsonObject server) =>
        (server["hosts"] as JsonArray ?? []).Select(h => (string?)h ?? "").Select(h => h.Contains('/', StringComparison.Ordinal) ? h[(h.IndexOf('/', StringComparison.Ordinal) + 1)..] : h);

    // How specifically a host matches the SNI: -1 not at all; "*" lowest, then wildcards by suffix length, then exact names.
    private static int Specificity(string host, string? serverName)
    {
        if (host == "*")
        {
            return 0;
        }

        if (string.IsNullOrEmpty(serverName))
        {
            return -1;
        }

        if (string.Equals(host, serverName, StringComparison.OrdinalIgnoreCase))
        {
            return 1_000_000;
        }

        return host.StartsWith("*.", StringComparison.Ordinal) && serverName.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase) && serverName.Length > host.Length - 1
            ? host.Length
            : -1;
    }

    private static string? Field(JsonObject secret, string key) =>
        (string?)secret["data"]?[key] is { Length: > 0 } encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : null;
}
