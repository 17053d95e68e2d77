using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Istio;

/// <summary>Where clients reach the ingress gateway (address and https port), and how that was found (or why there is none).</summary>
public sealed record GatewayAddress(string? Address, int HttpsPort, string How)
{
    // How long a LoadBalancer may take to get an address before the run goes on without one (less when wait-timeout is).
    private static readonly TimeSpan LoadBalancerPatience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The gateway Service's load-balancer address; for a NodePort Service, the first node's address. Waits
    /// for a load balancer at most 60 s (or wait-timeout, when shorter): an address that never comes (kind
    /// without a load-balancer provider) must not hang the run. Read once per run: the first task that needs it waits.
    /// </summary>
    public static async Task<GatewayAddress> ReadAsync(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wait = context.Settings.WaitTimeout;
        return context.Gateway ??= await LookUpAsync(context, wait < LoadBalancerPatience ? wait : LoadBalancerPatience);
    }

    private static async Task<GatewayAddress> LookUpAsync(BuildContext context, TimeSpan patience)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        while (true)
        {
            var service = ClusterObjects.Get(context, "service", MeshLayout.GatewayRelease, MeshLayout.GatewayNamespace)
                ?? throw new InvalidOperationException(
                    $"The ingress gateway Service {MeshLayout.GatewayNamespace}/{MeshLayout.GatewayRelease} does not exist; run the InstallIstio target first.");
            var type = (string?)service["spec"]?["type"] ?? "ClusterIP";
            switch (type)
            {
                case "LoadBalancer":
                    var ingress = (service["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.FirstOrDefault();
                    if (((string?)ingress?["ip"] ?? (string?)ingress?["hostname"]) is { } address)
                    {
                        return new GatewayAddress(address, 443, "load balancer");
                    }

                    if (DateTimeOffset.UtcNow >= deadline)
                    {
                        return new GatewayAddress(null, 443, $"no load-balancer address was assigned within {patience.TotalSeconds:0} s");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1));
                    break;
                case "NodePort":
                    var nodePort = (int?)(service["spec"]?["ports"] as JsonArray ?? []).FirstOrDefault(port => (int?)port?["port"] == 443)?["nodePort"] ?? 0;
                    return new GatewayAddress(NodeAddress(context), nodePort, $"node port {nodePort} for https");
                default:
                    return new GatewayAddress(null, 443, $"the Service is {type}, reachable only inside the cluster");
            }
        }
    }

    private static string? NodeAddress(BuildContext context)
    {
        var nodes = context.KubectlGet("nodes", null, context.Kubectl(new KubectlGetSettings()))?["items"] as JsonArray ?? [];
        return nodes
            .SelectMany(node => node?["status"]?["addresses"] as JsonArray ?? [])
            .Where(address => (string?)address?["type"] is "ExternalIP" or "InternalIP")
            .OrderBy(address => (string?)address?["type"] == "ExternalIP" ? 0 : 1)
            .Select(address => (string?)address?["address"])
            .FirstOrDefault();
    }
}
