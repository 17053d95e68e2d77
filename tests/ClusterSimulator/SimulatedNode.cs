using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The simulator's one node: where every pod is placed, and its default storage (only data). Its InternalIP is the
/// <see cref="LoopbackNetwork.NodeAddress"/> of the simulator it belongs to, where NodePorts answer as kube-proxy
/// would route them (a bare store's node has no address).
/// </summary>
public static class SimulatedNode
{
    public const string Name = "simulated-node";

    /// <summary>The provisioner of the default StorageClass, as on a kind node.</summary>
    public const string Provisioner = "rancher.io/local-path";

    /// <summary>kind's default StorageClass: <c>standard</c>, local volumes bound when a pod first mounts them.</summary>
    public static JsonObject StorageClass() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "standard",
            ["annotations"] = new JsonObject { ["storageclass.kubernetes.io/is-default-class"] = "true" },
        },
        ["provisioner"] = Provisioner,
        ["reclaimPolicy"] = "Delete",
        ["volumeBindingMode"] = "WaitForFirstConsumer",
    };

    public static JsonObject Status(string? internalIp = null)
    {
        var addresses = new JsonArray();
        if (internalIp is not null)
        {
            addresses.Add(new JsonObject { ["type"] = "InternalIP", ["address"] = internalIp });
        }

        addresses.Add(new JsonObject { ["type"] = "Hostname", ["address"] = Name });
        return new()
        {
            ["addresses"] = addresses,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady" }),
            ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.35.2", ["architecture"] = "amd64", ["operatingSystem"] = "linux" },
        };
    }
}
