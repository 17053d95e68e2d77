using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The protobuf envelope decoder, fed bytes the real kubectl and helm sent.</summary>
public sealed class KubeProtobufTests
{
    private static JsonObject Decode(string captured) =>
        Bodies.Parse(Convert.FromBase64String(captured), "application/vnd.kubernetes.protobuf");

    [Fact]
    public void A_namespace_from_kubectl_create_ns_keeps_only_what_was_set()
    {
        var ns = Decode(CapturedProtobuf.Namespace);

        Assert.Equal("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"fixture"}}""", ns.ToJsonString());
    }

    [Fact]
    public void A_config_map_keeps_its_data_including_empty_values()
    {
        var configMap = Decode(CapturedProtobuf.ConfigMap);

        Assert.Equal(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"fixture"},"data":{"empty":"","greeting":"hello"}}""",
            configMap.ToJsonString());
    }

    [Fact]
    public void Secret_data_bytes_become_base64_as_in_JSON()
    {
        var secret = Decode(CapturedProtobuf.Secret);

        Assert.Equal(Convert.ToBase64String("s3cr3t!"u8), (string?)secret["data"]!["password"]);
        Assert.Null(secret["type"]); // kubectl sends an empty type; the server defaults it to Opaque
        Assert.Equal("creds", (string?)secret["metadata"]!["name"]);
    }

    [Fact]
    public void A_deployment_from_kubectl_create_deployment_decodes_its_spec()
    {
        var deployment = Decode(CapturedProtobuf.Deployment);

        Assert.Equal("apps/v1", (string?)deployment["apiVersion"]);
        Assert.Equal(
            """{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","command":["nginx","-g","daemon off;"],"ports":[{"containerPort":80}]}]}}}""",
            deployment["spec"]!.ToJsonString());
        Assert.Null(deployment["status"]);
    }

    [Fact]
    public void Helms_release_record_keeps_its_labels_type_and_gzipped_release()
    {
        var secret = Decode(CapturedProtobuf.HelmReleaseSecret);

        Assert.Equal("helm.sh/release.v1", (string?)secret["type"]);
        Assert.Equal("sh.helm.release.v1.demo.v1", (string?)secret["metadata"]!["name"]);
        var labels = secret["metadata"]!["labels"]!.AsObject();
        Assert.Equal("helm", (string?)labels["owner"]);
        Assert.Equal("pending-install", (string?)labels["status"]);
        Assert.Equal("1", (string?)labels["version"]);

        // data.release is base64 (the JSON form of bytes) of helm's own base64 of a gzipped JSON release.
        var helmText = Encoding.ASCII.GetString(Convert.FromBase64String((string)secret["data"]!["release"]!));
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(helmText)), CompressionMode.Decompress);
        var release = JsonNode.Parse(gzip)!;
        Assert.Equal("demo", (string?)release["name"]);
    }

    [Fact]
    public void A_kind_that_is_not_decoded_is_refused_with_415_naming_it()
    {
        var pod = Envelope("v1", "Pod", Field(1, Field(1, "web")));

        var error = Assert.Throws<ApiError>(() => Bodies.Parse(pod, "application/vnd.kubernetes.protobuf"));

        Assert.Equal(415, error.Code);
        Assert.Contains("v1 Pod", error.Message);
    }

    [Fact]
    public void A_field_that_is_not_decoded_and_not_empty_is_refused_rather_than_dropped()
    {
        // ConfigMap field 9 does not exist; a real client would not send it, so nothing may be lost silently.
        var configMap = Envelope("v1", "ConfigMap", [.. Field(1, Field(1, "x")), .. Field(9, "surprise")]);

        var error = Assert.Throws<ApiError>(() => Bodies.Parse(configMap, "application/vnd.kubernetes.protobuf"));

        Assert.Equal(415, error.Code);
        Assert.Contains("field 9 of ConfigMap", error.Message);
    }

    [Fact]
    public void Bodies_without_the_magic_or_cut_short_are_bad_requests()
    {
        var captured = Convert.FromBase64String(CapturedProtobuf.Secret);

        var noMagic = Assert.Throws<ApiError>(() => Bodies.Parse(captured[4..], "application/vnd.kubernetes.protobuf"));
        var truncated = Assert.Throws<ApiError>(() => Bodies.Parse(captured[..^5], "application/vnd.kubernetes.protobuf"));

        Assert.Equal(400, noMagic.Code);
        Assert.Equal(400, truncated.Code);
    }

    [Fact]
    public void The_wire_reader_reads_varints_fixed_values_and_skips_nothing()
    {
        // Field 1 varint 300, field 2 fixed64 1, field 3 fixed32 2, field 4 bytes "hi".
        byte[] message = [0x08, 0xAC, 0x02, 0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x1D, 2, 0, 0, 0, 0x22, 2, (byte)'h', (byte)'i'];

        var fields = ProtobufReader.Fields(message);

        Assert.Equal([(1, 0), (2, 1), (3, 5), (4, 2)], fields.Select(f => (f.Number, f.WireType)));
        Assert.Equal([300UL, 1UL, 2UL], fields.Take(3).Select(f => f.Value));
        Assert.Equal("hi", Encoding.UTF8.GetString(fields[3].Bytes.Span));
    }

    // A tiny encoder for hand-made negative cases only; the positive cases use captured bytes.
    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8, .. Field(1, [.. Field(1, apiVersion), .. Field(2, kind)]), .. Field(2, raw)];

    private static byte[] Field(int number, string text) => Field(number, Encoding.UTF8.GetBytes(text));

    private static byte[] Field(int number, byte[] payload) =>
        [(byte)((number << 3) | 2), (byte)payload.Length, .. payload];
}
