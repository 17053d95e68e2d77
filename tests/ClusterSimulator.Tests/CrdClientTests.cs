using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>KubernetesClient's typed and custom-objects APIs against definitions and validation.</summary>
public sealed class CrdClientTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private const string Group = "security.istio.io";
    private const string Plural = "peerauthentications";
    private readonly Kubernetes _client = new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));

    public async Task InitializeAsync()
    {
        try
        {
            await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(PeerAuthenticationCrd.Yaml));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Defined by an earlier test of this class: the fixture's server is shared.
        }
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_definition_is_established_and_its_kind_discovered_with_short_names_and_categories()
    {
        var crd = await _client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(PeerAuthenticationCrd.Name);
        var resources = await _client.GetAPIResourcesAsync(Group, "v1");
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        var index = JsonNode.Parse(await http.GetStringAsync("/openapi/v3"))!;
        var document = JsonNode.Parse(await http.GetStringAsync($"/openapi/v3/apis/{Group}/v1"))!;

        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(["v1"], crd.Status.StoredVersions);
        Assert.Equal("PeerAuthentication", crd.Status.AcceptedNames.Kind);
        var resource = Assert.Single(resources.Resources, r => r.Name == Plural);
        Assert.Equal(["pa"], resource.ShortNames);
        Assert.Equal(["istio-io", "security-istio-io"], resource.Categories);
        Assert.Contains(resources.Resources, r => r.Name == Plural + "/status");
        Assert.NotNull(index["paths"]![$"apis/{Group}/v1"]);
        var post = document["paths"]![$"/apis/{Group}/v1/namespaces/{{namespace}}/{Plural}"]!["post"]!;
        Assert.Equal("PeerAuthentication", (string?)post["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains(post["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
    }

    [Fact]
    public async Task Custom_objects_are_created_pruned_read_patched_through_status_and_deleted()
    {
        var ns = await NamespaceAsync();
        var body = Policy("web", "PERMISSIVE");
        body["spec"]!["unknown"] = "pruned";

        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Group, "v1", ns, Plural);
        var read = await ReadAsync(ns, "web");
        await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"validationMessages":[]}}""", V1Patch.PatchType.MergePatch), Group, "v1", ns, Plural, "web");
        var list = JsonNode.Parse(JsonSerializer.Serialize(await _client.CustomObjects.ListNamespacedCustomObjectAsync(Group, "v1", ns, Plural)))!;
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, "v1", ns, Plural, "web");
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => ReadAsync(ns, "web"));

        Assert.Equal("PERMISSIVE", (string?)read["spec"]!["mtls"]!["mode"]);
        Assert.False(read["spec"]!.AsObject().ContainsKey("unknown"));
        Assert.Equal(1, (int?)read["metadata"]!["generation"]);
        Assert.NotNull(Assert.Single(list["items"]!.AsArray())!["status"]!["validationMessages"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task Schema_violations_are_422_with_a_cause_per_field_and_unknown_fields_under_Strict_are_400()
    {
        var ns = await NamespaceAsync();
        var body = Policy("bad", "LOOSE");
        body["spec"]!["portLevelMtls"] = new JsonObject { ["8080"] = new JsonObject { ["mode"] = 7 } };
        var strict = Policy("strict", "STRICT");
        strict["spec"]!["mtls"]!["foo"] = "bar";

        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Group, "v1", ns, Plural));
        var unknown = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CustomObjects.CreateNamespacedCustomObjectAsync(strict, Group, "v1", ns, Plural, fieldValidation: "Strict"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);
        var status = JsonNode.Parse(invalid.Response.Content)!;
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal(
            "PeerAuthentication.security.istio.io \"bad\" is invalid: [spec.mtls.mode: Unsupported value: \"LOOSE\": supported values: \"UNSET\", \"DISABLE\", \"PERMISSIVE\", \"STRICT\", spec.portLevelMtls[8080].mode: Invalid value: \"integer\": spec.portLevelMtls[8080].mode in body must be of type string: \"integer\"]",
            (string?)status["message"]);
        Assert.Equal(
            ["FieldValueNotSupported spec.mtls.mode", "FieldValueInvalid spec.portLevelMtls[8080].mode"],
            status["details"]!["causes"]!.AsArray().Select(c => $"{c!["reason"]} {c["field"]}"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Response.StatusCode);
        Assert.Equal(
            "PeerAuthentication in version \"v1\" cannot be handled as a PeerAuthentication: strict decoding error: unknown field \"spec.mtls.foo\"",
            (string?)JsonNode.Parse(unknown.Response.Content)!["message"]);
    }

    [Fact]
    public async Task Built_in_names_labels_and_required_fields_are_validated()
    {
        var ns = await NamespaceAsync();

        var badNamespace = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "has.dots" } }));
        var badLabel = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", Labels = new Dictionary<string, string> { ["app"] = "not valid!" } } }, ns));
        var noSelector = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1DeploymentSpec() }, ns));
        var noPort = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http" }] } }, ns));

        static string Message(HttpOperationException e) => (string)JsonNode.Parse(e.Response.Content)!["message"]!;
        Assert.All(new[] { badNamespace, badLabel, noSelector, noPort }, e => Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode));
        Assert.StartsWith("Namespace \"has.dots\" is invalid: metadata.name: Invalid value: \"has.dots\": a lowercase RFC 1123 label must consist of", Message(badNamespace));
        Assert.StartsWith("ConfigMap \"cm\" is invalid: metadata.labels: Invalid value: \"not valid!\": a valid label must be an empty string", Message(badLabel));
        Assert.Equal("Deployment.apps \"web\" is invalid: [spec.selector: Required value, spec.template: Required value]", Message(noSelector));
        Assert.Equal("Service \"web\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive", Message(noPort));
    }

    [Fact]
    public async Task Deleting_the_definition_withdraws_its_kind_and_deletes_its_objects()
    {
        var other = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(PeerAuthenticationCrd.Yaml.Replace("peerauthentication", "requestauthentication").Replace("PeerAuthentication", "RequestAuthentication").Replace("[pa]", "[ra]"));
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(other);
        var ns = await NamespaceAsync();
        var body = Policy("web", "STRICT");
        body["kind"] = "RequestAuthentication";
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Group, "v1", ns, "requestauthentications");

        await _client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(other.Metadata.Name);
        var resources = await _client.GetAPIResourcesAsync(Group, "v1");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.CustomObjects.ListNamespacedCustomObjectAsync(Group, "v1", ns, "requestauthentications"));
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(other);
        var again = JsonNode.Parse(JsonSerializer.Serialize(await _client.CustomObjects.ListNamespacedCustomObjectAsync(Group, "v1", ns, "requestauthentications")))!;

        Assert.DoesNotContain(resources.Resources, r => r.Name == "requestauthentications");
        Assert.Contains(resources.Resources, r => r.Name == Plural);
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        Assert.Empty(again["items"]!.AsArray());
    }

    [Fact]
    public async Task Every_served_version_reads_and_patches_the_same_objects_in_its_own_apiVersion()
    {
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Cluster
              names: {kind: Widget, plural: widgets}
              versions:
              - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer, minimum: 1}}}}}}}
              - {name: v1beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer, minimum: 1}}}}}}}
            """));
        await _client.CustomObjects.CreateClusterCustomObjectAsync(
            new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" }, ["spec"] = new JsonObject { ["size"] = 2 } },
            "example.com", "v1", "widgets");

        var patched = JsonNode.Parse(JsonSerializer.Serialize(await _client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch("""{"spec":{"size":3}}""", V1Patch.PatchType.MergePatch), "example.com", "v1beta1", "widgets", "w")))!;
        var tooSmall = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch("""{"spec":{"size":0}}""", V1Patch.PatchType.MergePatch), "example.com", "v1", "widgets", "w"));
        var read = JsonNode.Parse(JsonSerializer.Serialize(await _client.CustomObjects.GetClusterCustomObjectAsync("example.com", "v1", "widgets", "w")))!;

        Assert.Equal("example.com/v1beta1", (string?)patched["apiVersion"]);
        Assert.Equal(3, (int?)patched["spec"]!["size"]);
        Assert.Equal(2, (int?)patched["metadata"]!["generation"]);
        Assert.Equal(
            "Widget.example.com \"w\" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1",
            (string?)JsonNode.Parse(tooSmall.Response.Content)!["message"]);
        Assert.Equal("example.com/v1", (string?)read["apiVersion"]);
        Assert.Equal(3, (int?)read["spec"]!["size"]);
    }

    private static JsonObject Policy(string name, string mode) => new()
    {
        ["apiVersion"] = $"{Group}/v1",
        ["kind"] = "PeerAuthentication",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["mtls"] = new JsonObject { ["mode"] = mode },
        },
    };

    private async Task<JsonNode> ReadAsync(string ns, string name) =>
        JsonNode.Parse(JsonSerializer.Serialize(await _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, "v1", ns, Plural, name)))!;

    private async Task<string> NamespaceAsync()
    {
        var ns = SimulatorFixture.UniqueName("crd");
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        return ns;
    }
}
