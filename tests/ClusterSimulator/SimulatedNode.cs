using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The simulator's one node: where every pod is placed, and the address a NodePort is reached on (only data).</summary>
public static class SimulatedNode
{
    public const string Name = "simulated-node";

    public const string InternalIp = "172.18.0.2";

    public static JsonObject Status() => new()
    {
        ["addresses"] = new JsonArray(
            new JsonObject { ["type"] = "InternalIP", ["address"] = InternalIp },
            new JsonObject { ["type"] = "Hostname", ["address"] = Name }),
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady" }),
        ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.35.2", ["architecture"] = "amd64", ["operatingSystem"] = "linux" },
    };
}
