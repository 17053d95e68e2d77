using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Kubernetes;

public sealed class FieldOwnersTests
{
    // A webhook configuration as a real server records it: helm applied the chart, istiod's pilot-discovery then
    // took failurePolicy of one webhook (a list keyed by name), and a person scaled nothing here.
    private static readonly JsonObject Webhooks = JsonNode.Parse("""
        {
          "metadata": {
            "name": "istio-sidecar-injector",
            "managedFields": [
              { "manager": "helm", "operation": "Apply", "fieldsV1": { "f:webhooks": { "k:{\"name\":\"a.sidecar-injector.istio.io\"}": { ".": {}, "f:name": {}, "f:sideEffects": {} } } } },
              { "manager": "pilot-discovery", "operation": "Update", "fieldsV1": { "f:webhooks": { "k:{\"name\":\"a.sidecar-injector.istio.io\"}": { "f:failurePolicy": {}, "f:clientConfig": { "f:caBundle": {} } } } } }
            ]
          },
          "webhooks": [ { "name": "a.sidecar-injector.istio.io", "failurePolicy": "Fail", "sideEffects": "None", "clientConfig": { "caBundle": "LS0t" } } ]
        }
        """)!.AsObject();

    [Fact]
    public void A_field_of_a_keyed_list_element_is_owned_by_the_manager_that_set_it()
    {
        Assert.Equal(["pilot-discovery"], FieldOwners.Of(Webhooks, ["webhooks", 0, "failurePolicy"]));
        Assert.Equal(["helm"], FieldOwners.Of(Webhooks, ["webhooks", 0, "sideEffects"]));
        Assert.Equal(["pilot-discovery"], FieldOwners.Of(Webhooks, ["webhooks", 0, "clientConfig", "caBundle"]));
    }

    [Fact]
    public void A_controllers_field_is_run_time_and_a_charts_field_is_not()
    {
        Assert.True(FieldOwners.IsRunTimeField(Webhooks, ["webhooks", 0, "failurePolicy"]));
        Assert.False(FieldOwners.IsRunTimeField(Webhooks, ["webhooks", 0, "sideEffects"]));
    }

    [Theory]
    [InlineData("kubectl-scale")]
    [InlineData("kubectl-edit")]
    [InlineData("kubectl")]
    [InlineData("helm")]
    [InlineData("mesh-build")]
    public void A_field_a_person_or_the_chart_set_last_is_drift(string manager)
    {
        var deployment = Deployment(manager, """{"f:spec":{"f:replicas":{}}}""");

        Assert.False(FieldOwners.IsRunTimeField(deployment, ["spec", "replicas"]));
    }

    [Fact]
    public void An_autoscalers_replicas_are_run_time()
    {
        var deployment = Deployment("kube-controller-manager", """{"f:spec":{"f:replicas":{}}}""");

        Assert.True(FieldOwners.IsRunTimeField(deployment, ["spec", "replicas"]));
    }

    [Fact]
    public void A_field_nobody_owns_is_drift()
    {
        var deployment = Deployment("kube-controller-manager", """{"f:status":{"f:replicas":{}}}""");

        Assert.Empty(FieldOwners.Of(deployment, ["spec", "replicas"]));
        Assert.False(FieldOwners.IsRunTimeField(deployment, ["spec", "replicas"]));
    }

    [Fact]
    public void An_atomic_list_is_owned_whole_and_a_set_by_its_values()
    {
        var pod = JsonNode.Parse("""
            {
              "metadata": { "managedFields": [
                { "manager": "operator", "fieldsV1": { "f:spec": { "f:args": {}, "f:finalizers": { "v:\"keep\"": {} } } } }
              ] },
              "spec": { "args": ["--a", "--b"], "finalizers": ["keep", "other"] }
            }
            """)!.AsObject();

        Assert.Equal(["operator"], FieldOwners.Of(pod, ["spec", "args", 1]));
        Assert.Equal(["operator"], FieldOwners.Of(pod, ["spec", "finalizers", 0]));
        Assert.Empty(FieldOwners.Of(pod, ["spec", "finalizers", 1]));
    }

    private static JsonObject Deployment(string manager, string fields) => JsonNode.Parse($$"""
        {
          "metadata": { "managedFields": [ { "manager": "{{manager}}", "fieldsV1": {{fields}} } ] },
          "spec": { "replicas": 0 }
        }
        """)!.AsObject();

    [Theory]
    [InlineData("initialDelaySeconds", "0")]
    [InlineData("hostNetwork", "false")]
    [InlineData("subPath", "\"\"")]
    public void A_zero_value_the_server_does_not_store_is_not_drift_while_the_chart_still_owns_it(string name, string zero)
    {
        var live = JsonNode.Parse($$"""
            { "metadata": { "managedFields": [ { "manager": "helm", "fieldsV1": { "f:spec": { "f:{{name}}": {} } } } ] }, "spec": {} }
            """)!.AsObject();
        var field = Assert.Single(JsonDrift.MissingFields(live, JsonNode.Parse($$"""{ "spec": { "{{name}}": {{zero}} } }""")));

        Assert.True(FieldOwners.IsDroppedZeroValue(live, field));
    }

    [Fact]
    public void A_zero_value_someone_removed_is_drift()
    {
        // kubectl edit took the field away: helm no longer owns it.
        var live = JsonNode.Parse("""
            { "metadata": { "managedFields": [ { "manager": "kubectl-edit", "fieldsV1": { "f:spec": { "f:containers": {} } } } ] }, "spec": {} }
            """)!.AsObject();
        var removed = Assert.Single(JsonDrift.MissingFields(live, JsonNode.Parse("""{ "spec": { "allowPrivilegeEscalation": false } }""")));
        var different = Assert.Single(JsonDrift.MissingFields(
            JsonNode.Parse("""{ "metadata": { "managedFields": [ { "manager": "helm", "fieldsV1": { "f:spec": { "f:replicas": {} } } } ] }, "spec": { "replicas": 2 } }"""),
            JsonNode.Parse("""{ "spec": { "replicas": 0 } }""")));

        Assert.False(FieldOwners.IsDroppedZeroValue(live, removed));
        Assert.False(FieldOwners.IsDroppedZeroValue(JsonNode.Parse("""{ "metadata": {}, "spec": { "replicas": 2 } }""")!.AsObject(), different));
    }
}
