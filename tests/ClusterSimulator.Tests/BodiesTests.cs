using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

public sealed class BodiesTests
{
    [Fact]
    public void Plain_YAML_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var node = Bodies.FromYaml("""
            count: 3
            ratio: 1.5
            on: true
            off: False
            none: ~
            empty:
            quoted: "3"
            word: yes
            list: [a, 2]
            """)!;

        Assert.Equal("""{"count":3,"ratio":1.5,"on":true,"off":false,"none":null,"empty":null,"quoted":"3","word":"yes","list":["a",2]}""", node.ToJsonString());
    }

    [Fact]
    public void A_merge_patch_merges_objects_removes_nulls_and_replaces_lists()
    {
        var target = JsonNode.Parse("""{"a":{"b":1,"c":2},"list":[1,2],"keep":"x"}""");
        var patch = JsonNode.Parse("""{"a":{"b":null,"d":4},"list":[3]}""");

        var merged = Bodies.MergePatch(target, patch)!;

        Assert.Equal("""{"a":{"c":2,"d":4},"list":[3],"keep":"x"}""", merged.ToJsonString());
    }

    [Fact]
    public void Unknown_body_formats_are_refused_with_415()
    {
        var error = Assert.Throws<ApiError>(() => Bodies.Parse("k8s\0", "application/vnd.kubernetes.protobuf"));

        Assert.Equal(415, error.Code);
    }

    [Theory]
    [InlineData("a=1,b in (x, y)", true)]
    [InlineData("a==1,b notin (z)", true)]
    [InlineData("a!=1", false)]
    [InlineData("a,!c", true)]
    [InlineData("c", false)]
    [InlineData("b in (z)", false)]
    [InlineData("", true)]
    public void Label_selectors_match_like_the_API_server(string selector, bool matches)
    {
        var labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "x" };

        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(labels));
    }

    [Fact]
    public void A_malformed_label_selector_is_a_bad_request()
    {
        Assert.Equal(400, Assert.Throws<ApiError>(() => LabelSelector.Parse("a=1,,b")).Code);
    }
}
