
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

    /// <summary>The hosts of this run, worked out once (the gateway address is read from the cluster).</summary>
    public static async Task<GatewayHosts> ForAsync(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Hosts is { } known)
        {
            return known;
        }

        var settings = context.Settings;
        var gateway = await GatewayAddress.ReadAsync(context);
        var suffix = settings.Domain ?? (gateway.Address is { } address && System.Net.IPAddress.TryParse(address, out _)
            ? $"{address}.sslip.io"
            : throw new InvalidOperationException(
                $"No domain is set and the ingress gateway has no IP address to build NAME.IP.sslip.io hosts from ({gateway.How}{(gateway.Address is null ? string.Empty : $": {gateway.Address}")}). " +
                "Set domain=example.com (and point its records at the gateway), or give the gateway an address: on kind, cloud-provider-kind or MetalLB, or gateway-service-type=NodePort."));
        var dashboards = settings.ExposeDashboards
            ? Dashboard.Enabled(settings).ToDictionary(dashboard => dashboard.Id, dashboard => $"{dashboard.Id}.{suffix}")
            : new Dictionary<string, string>();
        context.Hosts = new GatewayHosts($"{MailHogName}.{suffix}", dashboards, gateway);
        return context.Hosts;
    }
}
