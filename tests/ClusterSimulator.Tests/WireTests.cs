using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>What the wire looks like for the requests kubectl and helm make that the typed client does not.</summary>
public sealed class WireTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IDisposable
{
    private const string AggregatedDiscovery =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private readonly HttpClient _client = fixture.HttpClient(fixture.Cluster.Token);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Discovery_answers_legacy_JSON_even_when_aggregated_discovery_is_asked_for()
    {
        var api = await GetAsync("/api", AggregatedDiscovery);
        var apis = await GetAsync("/apis", AggregatedDiscovery);
        var core = await GetAsync("/api/v1");
        var apps = await GetAsync("/apis/apps/v1");

        Assert.Equal("APIVersions", (string?)api["kind"]);
        Assert.Equal("apps/v1", (string?)apis["groups"]![0]!["preferredVersion"]!["groupVersion"]);
        var configMaps = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "configmaps")!;
        Assert.Equal("cm", (string?)configMaps["shortNames"]![0]);
        Assert.True((bool?)configMaps["namespaced"]);
        var namespaces = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "namespaces")!;
        Assert.False((bool?)namespaces["namespaced"]);
        Assert.Contains(apps["resources"]!.AsArray(), r => (string?)r!["kind"] == "Deployment" && (string?)r["shortNames"]![0] == "deploy");
    }

    [Fact]
    public async Task A_YAML_body_is_created_and_typed_like_JSON()
    {
        var ns = await NamespaceAsync();
        var yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              labels: {app: web}
            data:
              quoted: "1"
              text: |
                line
              other: x
            """;

        using var response = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", yaml, "application/yaml");
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", (string?)created["data"]!["quoted"]);
        Assert.Equal("line\n", (string?)created["data"]!["text"]);
        Assert.Equal("web", (string?)created["metadata"]!["labels"]!["app"]);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_drops_what_the_manager_no_longer_applies_and_requires_a_field_manager()
    {
        var ns = await NamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps/applied";
        const string first = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: one\n";
        const string second = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  b: two\n";

        using var created = await SendAsync(HttpMethod.Patch, path + "?fieldManager=test&force=false", first, "application/apply-patch+yaml");
        using var merged = await SendAsync(HttpMethod.Patch, path + "?fieldManager=test", second, "application/apply-patch+yaml");
        using var anonymous = await SendAsync(HttpMethod.Patch, path, second, "application/apply-patch+yaml");
        var data = JsonNode.Parse(await merged.Content.ReadAsStringAsync())!["data"]!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Null(data["a"]);
        Assert.Equal("two", (string?)data["b"]);
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
    }

    [Fact]
    public async Task Status_is_written_through_the_status_subresource_only()
    {
        var ns = await NamespaceAsync();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        const string deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}},"status":{"replicas":9}}""";
        const string status = """{"status":{"observedGeneration":1,"readyReplicas":1}}""";

        using var created = await SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", deployment, "application/json");
        using var patched = await SendAsync(HttpMethod.Patch, path + "/status", status, "application/merge-patch+json");
        var body = JsonNode.Parse(await patched.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Empty(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["status"]!.AsObject());
        Assert.Equal(1, (int?)body["status"]!["readyReplicas"]);
        Assert.Equal(1, (int?)body["spec"]!["replicas"]);
        Assert.Equal(1, (int?)body["metadata"]!["generation"]);
    }

    [Fact]
    public async Task Errors_are_Status_objects_and_unsupported_bodies_are_refused_with_415()
    {
        var ns = await NamespaceAsync();

        using var missing = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/nothing", null, null);
        using var noNamespace = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/no-such-ns/configmaps", """{"metadata":{"name":"x"}}""", "application/json");
        using var protobuf = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "k8s\0", "application/vnd.kubernetes.protobuf");
        var status = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal(404, (int?)status["code"]);
        Assert.Equal("nothing", (string?)status["details"]!["name"]);
        Assert.Equal("configmaps", (string?)status["details"]!["kind"]);
        Assert.Equal(HttpStatusCode.NotFound, noNamespace.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, protobuf.StatusCode);
    }

    [Fact]
    public async Task OpenAPI_v3_declares_fieldValidation_on_writes_so_clients_leave_validation_to_the_server()
    {
        var index = await GetAsync("/openapi/v3");
        var url = (string?)index["paths"]!["apis/apps/v1"]!["serverRelativeURL"];
        var document = await GetAsync(url!);
        var patch = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;

        Assert.Equal("Deployment", (string?)patch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
        Assert.NotNull(document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]);
    }

    [Fact]
    public async Task A_strategic_merge_patch_merges_maps_removes_nulls_and_honours_retain_keys()
    {
        var ns = await NamespaceAsync();
        using var created = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"smp"},"data":{"a":"1"}}""", "application/json");
        var path = $"/api/v1/namespaces/{ns}/configmaps/smp";

        using var plain = await SendAsync(HttpMethod.Patch, path, """{"data":{"b":"2"}}""", "application/strategic-merge-patch+json");
        using var withList = await SendAsync(HttpMethod.Patch, path, """{"metadata":{"annotations":{"l":"x"}},"binaryData":null,"data":{"$retainKeys":["b"]}}""", "application/strategic-merge-patch+json");
        var data = JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["data"]!;
        var retained = JsonNode.Parse(await withList.Content.ReadAsStringAsync())!["data"]!;

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("""{"a":"1","b":"2"}""", data.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, withList.StatusCode);
        Assert.Equal("""{"b":"2"}""", retained.ToJsonString());
    }

    [Fact]
    public async Task Metadata_alone_is_answered_to_a_client_that_asks_for_it_first_and_a_Secrets_data_stays_home()
    {
        var ns = await NamespaceAsync();
        using var created = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"record","labels":{"owner":"helm"}},"data":{"release":"c2VjcmV0"}}""", "application/json");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // What client-go's metadata client sends: protobuf first (not served here), then JSON, then the plain form.
        const string MetadataList = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

        var list = await GetAsync($"/api/v1/namespaces/{ns}/secrets?labelSelector=owner%3Dhelm", MetadataList);
        var one = await GetAsync($"/api/v1/namespaces/{ns}/secrets/record", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");
        // A list asked for as a single object's metadata, or as a Table, falls through to the plain list.
        var plain = await GetAsync($"/api/v1/namespaces/{ns}/secrets", "application/json;as=Table;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");

        Assert.Equal(("meta.k8s.io/v1", "PartialObjectMetadataList"), ((string?)list["apiVersion"], (string?)list["kind"]));
        var item = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal(("PartialObjectMetadata", "record", "helm"), ((string?)item["kind"], (string?)item["metadata"]!["name"], (string?)item["metadata"]!["labels"]!["owner"]));
        Assert.Null(item["data"]);
        Assert.Equal(("PartialObjectMetadata", null), ((string?)one["kind"], one["data"]));
        Assert.Equal("SecretList", (string?)plain["kind"]);
        Assert.Equal("c2VjcmV0", (string?)plain["items"]![0]!["data"]!["release"]);
    }

    private async Task<string> NamespaceAsync()
    {
        var name = SimulatorFixture.UniqueName("wire");
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{name}}}"}}""", "application/json");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private async Task<JsonNode> GetAsync(string path, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        return _client.SendAsync(request);
    }
}
