using System.Text.Json.Nodes;
using Mesh.Build.Catalog;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Istio;

/// <summary>Where clients reach the ingress gateway (address and https port), and how that was found (or why there is none).</summary>
public sealed record GatewayAddress(string? Address, int HttpsPort, string How)
{
    // How long a LoadBalancer may take to get an address before the run goes on without one (less when wait-timeout is).
    private static readonly TimeSpan LoadBalancerPatience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The gateway Service's load-balancer address; for a NodePort Service, the first node's address. Waits
    /// for a load balancer at most 60 s (or wait-timeout, when shorter): an address that never comes (kind
    /// without a load-balancer provider) must not hang the run. A plan waits for nothing: a gateway not there
    /// yet has its address known after the run.
    /// </summary>
    public static async Task<GatewayAddress> ReadAsync(Cluster cluster, TimeSpan waitTimeout, bool plan)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var gateway = Components.Gateway;
        var service = await cluster.GetAsync("v1", "Service", gateway.Release, gateway.Namespace);
        if (service is null)
        {
            return plan
                ? new GatewayAddress(null, 443, "known once the gateway is installed")
                : throw new InvalidOperationException($"The ingress gateway Service {gateway.Namespace}/{gateway.Release} does not exist; run the InstallIstio target first.");
        }

        var type = (string?)service["spec"]?["type"] ?? "ClusterIP";
        switch (type)
        {
            case "LoadBalancer":
                var patience = plan ? TimeSpan.Zero : waitTimeout < LoadBalancerPatience ? waitTimeout : LoadBalancerPatience;
                try
                {
                    service = await cluster.WaitAsync("v1", "Service", gateway.Release, gateway.Namespace, "given a load-balancer address", LoadBalancerAddress, patience);
                    return new GatewayAddress(IngressAddress(service), 443, "load balancer");
                }
                catch (WaitTimeoutException)
                {
                    return new GatewayAddress(null, 443, $"no load-balancer address was assigned within {patience.TotalSeconds:0} s");
                }

            case "NodePort":
                var nodePort = (int?)(service["spec"]?["ports"] as JsonArray ?? []).FirstOrDefault(port => (int?)port?["port"] == 443)?["nodePort"] ?? 0;
                return new GatewayAddress(await NodeAddressAsync(cluster), nodePort, $"node port {nodePort} for https");
            default:
                return new GatewayAddress(null, 443, $"the Service is {type}, reachable only inside the cluster");
        }
    }

    private static WaitState LoadBalancerAddress(JsonObject? service) =>
        service is not null && IngressAddress(service) is { } address ? WaitState.Ready(address) : WaitState.Pending("no ingress address in its status yet");

    private static string? IngressAddress(JsonObject service)
    {
        var ingress = (service["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.FirstOrDefault();
        return (string?)ingress?["ip"] ?? (string?)ingress?["hostname"];
    }

    private static async Task<string?> NodeAddressAsync(Cluster cluster) =>
        (await cluster.ListAsync("v1", "Node"))
            .SelectMany(node => node["status"]?["addresses"] as JsonArray ?? [])
            .Where(address => (string?)address?["type"] is "ExternalIP" or "InternalIP")
            .OrderBy(address => (string?)address?["type"] == "ExternalIP" ? 0 : 1)
            .Select(address => (string?)address?["address"])
            .FirstOrDefault();
}
