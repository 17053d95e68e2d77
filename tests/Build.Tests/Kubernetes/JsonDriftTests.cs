using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Kubernetes;

public sealed class JsonDriftTests
{
    [Fact]
    public void A_live_object_with_more_than_we_want_is_already_right()
    {
        var live = JsonNode.Parse("""{"metadata":{"name":"x","uid":"1","labels":{"a":"1","b":"2"}},"spec":{"ports":[{"port":80,"protocol":"TCP"}]},"status":{}}""");
        var desired = JsonNode.Parse("""{"metadata":{"name":"x","labels":{"a":"1"}},"spec":{"ports":[{"port":80}]}}""");

        Assert.Empty(JsonDrift.Missing(live, desired));
    }

    [Fact]
    public void Missing_and_different_fields_are_named_by_path()
    {
        var live = JsonNode.Parse("""{"spec":{"mtls":{"mode":"PERMISSIVE"},"ports":[1,2]}}""");
        var desired = JsonNode.Parse("""{"spec":{"mtls":{"mode":"STRICT"},"selector":{"app":"x"},"ports":[1]}}""");

        Assert.Equal([".spec.mtls.mode", ".spec.selector", ".spec.ports"], JsonDrift.Missing(live, desired));
    }

    [Fact]
    public void Numbers_compare_by_value_but_a_number_is_not_its_text()
    {
        Assert.Empty(JsonDrift.Differences(JsonNode.Parse("""{"a":100}"""), JsonNode.Parse("""{"a":100.0}""")));
        Assert.Equal([".a"], JsonDrift.Differences(JsonNode.Parse("""{"a":"8025"}"""), JsonNode.Parse("""{"a":8025}""")));
    }

    [Fact]
    public void Differences_also_names_what_is_there_but_not_wanted()
    {
        var stored = JsonNode.Parse("""{"revision":"","extra":{"x":1}}""");
        var wanted = JsonNode.Parse("""{"revision":""}""");

        Assert.Equal([".extra"], JsonDrift.Differences(stored, wanted));
        Assert.Empty(JsonDrift.Missing(stored, wanted));
    }

    [Fact]
    public void A_null_we_want_asks_for_nothing_so_any_live_value_is_already_right()
    {
        var live = JsonNode.Parse("""{"metadata":{"annotations":{"meta.helm.sh/release-name":"kiali"}},"spec":{"replicas":1}}""");
        var desired = JsonNode.Parse("""{"metadata":{"annotations":null},"spec":{"replicas":null}}""");

        Assert.Empty(JsonDrift.Missing(live, desired));
        Assert.Equal([".metadata.annotations", ".spec.replicas"], JsonDrift.Differences(live, desired));
    }

    [Fact]
    public void A_quantity_the_server_stores_in_its_canonical_form_is_already_right()
    {
        var live = JsonNode.Parse("""{"limits":{"cpu":"2","memory":"1Gi"},"requests":{"cpu":"1","memory":"2Gi","storage":"500m"}}""");
        var desired = JsonNode.Parse("""{"limits":{"cpu":"2000m","memory":"1024Mi"},"requests":{"cpu":1,"memory":"2048Mi","storage":0.5}}""");

        Assert.Empty(JsonDrift.Missing(live, desired));
    }

    [Fact]
    public void A_quantity_in_another_amount_or_a_spelling_the_server_would_not_write_is_drift()
    {
        var live = JsonNode.Parse("""{"cpu":"1","memory":"1024Mi","image":"web:1"}""");
        var desired = JsonNode.Parse("""{"cpu":"2000m","memory":"1Gi","image":"web:1.0"}""");

        Assert.Equal([".cpu", ".memory", ".image"], JsonDrift.Missing(live, desired));
        Assert.Equal([".a"], JsonDrift.Differences(JsonNode.Parse("""{"a":"2"}"""), JsonNode.Parse("""{"a":"2000m"}""")));
    }
}
