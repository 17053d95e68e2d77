using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The patch formats on plain documents: merge keys, directives and RFC 6901 pointers.</summary>
public sealed class PatchTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public void Strategic_merge_deletes_and_replaces_list_items_and_replaces_lists_without_a_merge_key()
    {
        var deployment = Json("""
            {"spec":{"template":{"spec":{
              "containers":[{"name":"app","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090}]},{"name":"old"}],
              "tolerations":[{"key":"a"},{"key":"b"}],
              "volumes":[{"name":"v","emptyDir":{}}]}}}}
            """);
        var patch = Json("""
            {"spec":{"template":{"spec":{
              "containers":[{"name":"app","ports":[{"containerPort":80,"name":"web"}]},{"name":"old","$patch":"delete"}],
              "tolerations":[{"key":"c"}],
              "volumes":[{"$patch":"replace"},{"name":"w","configMap":{"name":"cm"}}]}}}}
            """);

        var spec = StrategicMergePatch.Apply(deployment, patch)["spec"]!["template"]!["spec"]!;

        Assert.Equal("""[{"name":"app","ports":[{"containerPort":80,"name":"web"},{"containerPort":9090}]}]""", spec["containers"]!.ToJsonString());
        Assert.Equal("""[{"key":"c"}]""", spec["tolerations"]!.ToJsonString());
        Assert.Equal("""[{"name":"w","configMap":{"name":"cm"}}]""", spec["volumes"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_keys_service_ports_by_port_and_honours_patch_replace_on_a_map()
    {
        var service = Json("""{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}],"selector":{"app":"a","tier":"b"}}}""");
        var patch = Json("""{"spec":{"ports":[{"port":80,"targetPort":9090}],"selector":{"$patch":"replace","app":"c"}}}""");

        var spec = StrategicMergePatch.Apply(service, patch)["spec"]!;

        Assert.Equal("""[{"port":80,"targetPort":9090},{"port":443}]""", spec["ports"]!.ToJsonString());
        Assert.Equal("""{"app":"c"}""", spec["selector"]!.ToJsonString());
    }

    [Fact]
    public void Json_patch_follows_escaped_pointers_moves_and_indexes_into_lists()
    {
        var obj = Json("""{"metadata":{"annotations":{"a/b":"1"}},"list":[1,2]}""");
        var operations = JsonPatch.Parse("""
            [{"op":"move","from":"/metadata/annotations/a~1b","path":"/metadata/annotations/c~0d"},
             {"op":"add","path":"/list/1","value":9},{"op":"add","path":"/list/-","value":3},{"op":"remove","path":"/list/0"}]
            """);

        var patched = JsonPatch.Apply(obj, operations);

        Assert.Equal("""{"metadata":{"annotations":{"c~d":"1"}},"list":[9,2,3]}""", patched.ToJsonString());
    }

    [Fact]
    public void A_json_patch_on_a_missing_path_is_unprocessable()
    {
        var error = Assert.Throws<ApiError>(() => JsonPatch.Apply(Json("""{"a":{}}"""), JsonPatch.Parse("""[{"op":"remove","path":"/a/b"}]""")));

        Assert.Equal(422, error.Code);
    }

    [Fact]
    public void Field_sets_round_trip_through_fields_v1_with_keyed_list_items()
    {
        var obj = Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"phase":"Running"}}""");

        var fields = FieldSet.ToFieldsV1(FieldSet.Of(obj));

        Assert.Equal("""{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\u0022name\u0022:\u0022c\u0022}":{".":{},"f:image":{},"f:name":{}}}}}""", fields.ToJsonString());
        Assert.True(FieldSet.FromFieldsV1(fields).SetEquals(FieldSet.Of(obj)));
        Assert.Equal(".spec.containers[name=\"c\"].image", FieldSet.Describe(FieldSet.Of(obj).Single(p => p.EndsWith("f:image", StringComparison.Ordinal))));
    }

    [Fact]
    public void Server_side_apply_keys_ports_by_number_and_protocol_where_strategic_merge_keys_them_by_number()
    {
        var pod = Json("""{"spec":{"containers":[{"name":"c","ports":[{"containerPort":9094,"protocol":"TCP"},{"containerPort":9094,"protocol":"UDP"}]}]}}""");

        var applied = StrategicMergePatch.ApplyConfiguration(new JsonObject(), pod);
        var patched = StrategicMergePatch.Apply(new JsonObject(), pod);
        var fields = FieldSet.ToFieldsV1(FieldSet.Of(pod))["f:spec"]!["f:containers"]!["k:{\u0022name\u0022:\u0022c\u0022}"]!["f:ports"]!.AsObject();

        Assert.Equal(2, applied["spec"]!["containers"]![0]!["ports"]!.AsArray().Count);
        Assert.Single(patched["spec"]!["containers"]![0]!["ports"]!.AsArray());
        Assert.Equal(["k:{\"containerPort\":9094,\"protocol\":\"TCP\"}", "k:{\"containerPort\":9094,\"protocol\":\"UDP\"}"], fields.Select(field => field.Key));
    }

    [Fact]
    public void A_port_without_a_protocol_is_the_TCP_item_of_its_list_under_server_side_apply()
    {
        var service = Json("""{"spec":{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP","name":"old"}]}}""");

        var spec = StrategicMergePatch.ApplyConfiguration(service, Json("""{"spec":{"ports":[{"port":53,"name":"dns-tcp"}]}}"""))["spec"]!;

        Assert.Equal("""[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP","name":"dns-tcp"}]""", spec["ports"]!.ToJsonString());
        Assert.True(FieldSet.TryGet(service, "f:spec\nf:ports\nk:{\"port\":53,\"protocol\":\"TCP\"}\nf:name", out var name));
        Assert.Equal("old", (string?)name);
    }
}
