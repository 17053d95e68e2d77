using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Kubernetes;

public sealed class WorkloadsTests
{
    [Fact]
    public void A_rolled_out_deployment_is_available_and_says_how_many_replicas()
    {
        var state = Workloads.DeploymentAvailable(Deployment(replicas: 2, observed: 3, updated: 2, available: 2, total: 2));

        Assert.True(state.Done);
        Assert.StartsWith("2/2 available, 2 updated", state.Condition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 2, 1, 1, 1)] // the controller has not seen the newest spec
    [InlineData(2, 3, 1, 2, 2)] // one replica not updated yet
    [InlineData(2, 3, 2, 1, 2)] // one replica not available
    [InlineData(2, 3, 2, 2, 3)] // an old replica still running
    public void A_deployment_mid_rollout_is_pending(int replicas, int observed, int updated, int available, int total)
    {
        Assert.False(Workloads.DeploymentAvailable(Deployment(replicas, observed, updated, available, total)).Done);
    }

    [Fact]
    public void A_deployment_scaled_to_zero_serves_nothing()
    {
        var state = Workloads.DeploymentAvailable(Deployment(replicas: 0, observed: 3, updated: 0, available: 0, total: 0));

        Assert.False(state.Done);
        Assert.Equal("scaled to 0 replicas", state.Condition);
    }

    [Fact]
    public void A_failed_job_is_finished_and_a_deleted_one_fails_the_wait()
    {
        var failed = JsonNode.Parse("""{"status":{"conditions":[{"type":"Failed","status":"True"}]}}""")!.AsObject();

        Assert.Equal(WaitState.Ready("Failed"), Workloads.JobFinished(failed));
        Assert.NotNull(Workloads.JobFinished(null).Failure);
    }

    [Fact]
    public void A_crd_is_established_only_when_its_condition_says_true()
    {
        Assert.True(Workloads.CrdEstablished(JsonNode.Parse("""{"status":{"conditions":[{"type":"Established","status":"True"}]}}""")!.AsObject()).Done);
        Assert.Equal(
            "Established=False Installing",
            Workloads.CrdEstablished(JsonNode.Parse("""{"status":{"conditions":[{"type":"Established","status":"False","reason":"Installing"}]}}""")!.AsObject()).Condition);
    }

    private static JsonObject Deployment(int replicas, int observed, int updated, int available, int total) => JsonNode.Parse($$"""
        {
          "metadata": { "generation": 3 },
          "spec": { "replicas": {{replicas}} },
          "status": { "observedGeneration": {{observed}}, "updatedReplicas": {{updated}}, "availableReplicas": {{available}}, "replicas": {{total}},
                      "conditions": [ { "type": "Available", "status": "True", "reason": "MinimumReplicasAvailable" } ] }
        }
        """)!.AsObject();
}
