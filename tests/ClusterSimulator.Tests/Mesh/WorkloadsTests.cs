using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The workload names Istio's telemetry gives pods.</summary>
public sealed class WorkloadsTests
{
    private static JsonObject Pod(string name, string? ownerKind = null, string? ownerName = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ownerKind is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["kind"] = ownerKind, ["name"] = ownerName, ["controller"] = true });
        }

        return new JsonObject { ["metadata"] = metadata };
    }

    [Theory]
    [InlineData("web-7d4f8c9b6-x2k4p", "ReplicaSet", "web-7d4f8c9b6", "web")]
    [InlineData("mtls-probe-abcde", "Job", "mtls-probe", "mtls-probe")]
    [InlineData("lonely", null, null, "lonely")]
    public void A_pods_workload_is_its_deployment_its_job_or_itself(string pod, string? ownerKind, string? ownerName, string expected) =>
        Assert.Equal(expected, Workloads.NameOf(Pod(pod, ownerKind, ownerName)));
}
