using Mesh.Build.Settings;

namespace Mesh.Build.Istio;

/// <summary>
/// The hosts the gateway serves: <c>mailhog.DOMAIN</c> and, with expose-dashboards, one per dashboard; without
/// a domain, <c>NAME.GATEWAY-IP.sslip.io</c>, which resolves to the gateway's address with no DNS set-up.
/// </summary>
public sealed record GatewayHosts(string MailHog, IReadOnlyDictionary<string, string> Dashboards, GatewayAddress Gateway)
{
    public const string MailHogName = "mailhog";

    /// <summary>Every host, the test application's first: what the certificate and the Gateway cover.</summary>
    public IReadOnlyList<string> All => [MailHog, .. Dashboards.Values];

    /// <summary>The https address of one of the hosts, with the gateway's port when it is not 443 (a NodePort).</summary>
    public string Url(string host, string path = "/") => $"https://{host}{(Gateway.HttpsPort is 443 or 0 ? string.Empty : $":{Gateway.HttpsPort}")}{path}";

    /// <summary>
    /// The hosts for the settings and the gateway's address. In a plan, a gateway with no address yet gets the
    /// placeholder <c>GATEWAY-IP</c>: what depends on it is created by the run that installs the gateway.
    /// </summary>
    public static GatewayHosts For(MeshSettings settings, GatewayAddress gateway)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gateway);
        var suffix = settings.Domain ?? (gateway.Address is { } address && System.Net.IPAddress.TryParse(address, out _)
            ? $"{address}.sslip.io"
            : settings.Plan ? "GATEWAY-IP.sslip.io"
            : throw new InvalidOperationException(
                $"No domain is set and the ingress gateway has no IP address to build NAME.IP.sslip.io hosts from ({gateway.How}{(gateway.Address is null ? string.Empty : $": {gateway.Address}")}). " +
                "Set domain=example.com (and point its records at the gateway), or give the gateway an address: on kind, cloud-provider-kind or MetalLB, or gateway-service-type=NodePort."));
        var dashboards = settings.ExposeDashboards
            ? Dashboard.Enabled(settings).ToDictionary(dashboard => dashboard.Id, dashboard => $"{dashboard.Id}.{suffix}")
            : new Dictionary<string, string>();
        return new GatewayHosts($"{MailHogName}.{suffix}", dashboards, gateway);
    }
}
