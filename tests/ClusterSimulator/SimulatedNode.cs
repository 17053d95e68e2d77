using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The simulator's one node: where every pod is placed, the address a NodePort is reached on, and its default storage (only data).</summary>
public static class SimulatedNode
{
    public const string Name = "simulated-node";

    public const string InternalIp = "172.18.0.2";

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

    public static JsonObject Status() => new()
    {
        ["addresses"] = new JsonArray(
            new JsonObject { ["type"] = "InternalIP", ["address"] = InternalIp },
            new JsonObject { ["type"] = "Hostname", ["address"] = Name }),
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady" }),
        ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.35.2", ["architecture"] = "amd64", ["operatingSystem"] = "linux" },
    };
}
