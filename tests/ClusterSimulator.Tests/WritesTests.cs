using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// Writes as the real kubectl 1.35.2 sees them: server-side apply with field ownership and conflicts,
/// strategic, JSON and merge patches, finalizers and owner references on delete.
/// </summary>
public sealed class WritesTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly ResourceKind ConfigMap = ObjectStore.Kind("ConfigMap");

    [Fact]
    public async Task Server_side_apply_tracks_owners_reports_conflicts_and_drops_fields_no_longer_applied()
    {
        var ns = Namespace();
        const string first = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  key: a\n  keep: k\n";

        var created = await KubectlAsync(ns, first, "apply", "--server-side");
        var rv = Get(ns, "owned")["metadata"]!["resourceVersion"]!.ToString();
        var again = await KubectlAsync(ns, first, "apply", "--server-side");
        var rvAgain = Get(ns, "owned")["metadata"]!["resourceVersion"]!.ToString();
        var conflict = await KubectlAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  key: b\n", "apply", "--server-side", "--field-manager=other");
        var forced = await KubectlAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  key: b\n", "apply", "--server-side", "--field-manager=other", "--force-conflicts");
        var afterForce = Get(ns, "owned");
        var dropped = await KubectlAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  other: x\n", "apply", "--server-side", "--field-manager=other");
        var afterDrop = Get(ns, "owned");

        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains("configmap/owned serverside-applied", created.Output);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(rv, rvAgain);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\" using v1: .data.key", conflict.Output);
        Assert.True(forced.ExitCode == 0, forced.Output);
        Assert.Equal("b", (string?)afterForce["data"]!["key"]);
        Assert.Equal("""{"f:data":{"f:key":{}}}""", Entry(afterForce, "other", "Apply")["fieldsV1"]!.ToJsonString());
        Assert.Equal("""{"f:data":{"f:keep":{}}}""", Entry(afterForce, "kubectl", "Apply")["fieldsV1"]!.ToJsonString());
        Assert.True(dropped.ExitCode == 0, dropped.Output);
        Assert.Equal("""{"keep":"k","other":"x"}""", afterDrop["data"]!.ToJsonString());
    }

    [Fact]
    public async Task A_strategic_patch_replaces_one_container_by_name_and_keeps_the_others()
    {
        var ns = Namespace();
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: app
                    image: app:1
                    env: [{name: A, value: "1"}, {name: B, value: "2"}]
                  - name: sidecar
                    image: proxy:1
            """;

        var applied = await KubectlAsync(ns, deployment, "apply");
        var patched = await KubectlAsync(ns, null, "patch", "deployment", "web", "--type=strategic", "-p",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2","env":[{"name":"B","value":"3"}]}]}}}}""");
        var labelled = await KubectlAsync(ns, null, "patch", "deployment", "web", "--type=strategic", "-p", """{"metadata":{"labels":{"tier":"front"}}}""");
        var image = await KubectlAsync(ns, null, "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}");
        var web = Get(ns, "web", ObjectStore.Kind("Deployment"));

        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.True(patched.ExitCode == 0, patched.Output);
        Assert.Contains("deployment.apps/web patched", patched.Output);
        Assert.True(labelled.ExitCode == 0, labelled.Output);
        Assert.Equal("app:2 proxy:1", image.Output.Trim());
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"B","value":"3"}]""", web["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.ToJsonString());
        Assert.Equal(2L, (long?)web["metadata"]!["generation"]);
        Assert.Equal("Update", (string?)Entry(web, "kubectl-client-side-apply", "Update")["operation"]);
        Assert.NotNull(Entry(web, "kubectl-patch", "Update"));
    }

    [Fact]
    public async Task Json_and_merge_patches_change_what_they_name_and_a_failing_test_changes_nothing()
    {
        var ns = Namespace();
        var applied = await KubectlAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\ndata:\n  a: '1'\n  c: '3'\n", "apply", "--server-side");

        var json = await KubectlAsync(ns, null, "patch", "cm", "p", "--type=json", "-p",
            """[{"op":"add","path":"/data/b","value":"2"},{"op":"replace","path":"/data/a","value":"9"},{"op":"remove","path":"/data/c"},{"op":"copy","from":"/data/b","path":"/data/d"}]""");
        var failing = await KubectlAsync(ns, null, "patch", "cm", "p", "--type=json", "-p",
            """[{"op":"test","path":"/data/a","value":"1"},{"op":"remove","path":"/data/a"}]""");
        var afterJson = Get(ns, "p")["data"]!;
        var merge = await KubectlAsync(ns, null, "patch", "cm", "p", "--type=merge", "-p", """{"data":{"d":null,"e":"5"}}""");

        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.True(json.ExitCode == 0, json.Output);
        Assert.NotEqual(0, failing.ExitCode);
        Assert.Contains("The request is invalid: the server rejected our request due to an error in our request", failing.Output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":"9","b":"2","d":"2"}"""), afterJson), afterJson.ToJsonString());
        Assert.True(merge.ExitCode == 0, merge.Output);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":"9","b":"2","e":"5"}"""), Get(ns, "p")["data"]), Get(ns, "p")["data"]!.ToJsonString());
    }

    [Fact]
    public async Task A_finalizer_keeps_a_deleted_object_visible_until_it_is_removed()
    {
        var ns = Namespace();
        var applied = await KubectlAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n", "apply");

        var deleted = await KubectlAsync(ns, null, "delete", "cm", "held", "--wait=false");
        var marked = await KubectlAsync(ns, null, "get", "cm", "held", "-o", "jsonpath={.metadata.deletionTimestamp}");
        var released = await KubectlAsync(ns, null, "patch", "cm", "held", "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        var gone = await KubectlAsync(ns, null, "get", "cm", "held");

        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.True(deleted.ExitCode == 0, deleted.Output);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT", marked.Output);
        Assert.True(released.ExitCode == 0, released.Output);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("configmaps \"held\" not found", gone.Output);
    }

    [Fact]
    public async Task Deleting_an_owner_deletes_its_dependents_unless_they_are_orphaned()
    {
        var ns = Namespace();
        var owner = fixture.Cluster.Store.Create(ConfigMap, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "owner" } });
        var orphaning = fixture.Cluster.Store.Create(ConfigMap, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "orphaning" } });
        await KubectlAsync(ns, Dependent("child", owner), "apply");
        await KubectlAsync(ns, Dependent("grandchild", Get(ns, "child")), "apply");
        await KubectlAsync(ns, Dependent("orphan", orphaning), "apply");

        var deleted = await KubectlAsync(ns, null, "delete", "cm", "owner");
        var orphaned = await KubectlAsync(ns, null, "delete", "cm", "orphaning", "--cascade=orphan");
        var left = await KubectlAsync(ns, null, "get", "cm", "-o", "name");

        Assert.True(deleted.ExitCode == 0, deleted.Output);
        Assert.True(orphaned.ExitCode == 0, orphaned.Output);
        Assert.Equal("configmap/orphan", left.Output.Trim());
        Assert.Null(Get(ns, "orphan")["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Writes_record_the_user_agent_as_manager_and_take_managed_fields_a_client_rewrites()
    {
        var ns = Namespace();
        using var client = fixture.HttpClient(fixture.Cluster.Token);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("helm/v4.1.4");
        var path = $"/api/v1/namespaces/{ns}/configmaps";

        using var created = await client.PostAsync(path, new StringContent("""{"metadata":{"name":"moved"},"data":{"key":"a"}}""", System.Text.Encoding.UTF8, "application/json"));
        var byHelm = Get(ns, "moved");
        var handedOver = byHelm.DeepClone().AsObject();
        handedOver["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"mover","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}}}}]""");
        using var put = await client.PutAsync($"{path}/moved", new StringContent(handedOver.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        using var applied = await client.PatchAsync($"{path}/moved?fieldManager=mover", new StringContent("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: moved\ndata:\n  key: b\n", System.Text.Encoding.UTF8, "application/apply-patch+yaml"));

        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("""{"f:data":{"f:key":{}}}""", Entry(byHelm, "helm", "Update")["fieldsV1"]!.ToJsonString());
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        Assert.Equal("b", (string?)Get(ns, "moved")["data"]!["key"]);
    }

    [Fact]
    public async Task Delete_collection_deletes_only_the_selected_objects()
    {
        var ns = Namespace();
        foreach (var (name, app) in new[] { ("one", "x"), ("two", "x"), ("other", "y") })
        {
            fixture.Cluster.Store.Create(ConfigMap, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = app } } });
        }

        using var client = fixture.HttpClient(fixture.Cluster.Token);
        using var response = await client.DeleteAsync($"/api/v1/namespaces/{ns}/configmaps?labelSelector=app%3Dx");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var left = await KubectlAsync(ns, null, "get", "cm", "-o", "name");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ConfigMapList", (string?)answer["kind"]);
        Assert.Equal(2, answer["items"]!.AsArray().Count);
        Assert.Equal("configmap/other", left.Output.Trim());
    }

    private static string Dependent(string name, JsonObject owner) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          ownerReferences:
          - apiVersion: v1
            kind: ConfigMap
            name: {owner["metadata"]!["name"]}
            uid: {owner["metadata"]!["uid"]}
        """;

    private static JsonObject Entry(JsonObject obj, string manager, string operation) =>
        obj["metadata"]!["managedFields"]!.AsArray().OfType<JsonObject>()
            .SingleOrDefault(e => (string?)e["manager"] == manager && (string?)e["operation"] == operation)
        ?? throw new Xunit.Sdk.XunitException($"no {operation} entry for {manager} in {obj["metadata"]!["managedFields"]?.ToJsonString()}");

    private string Namespace()
    {
        var ns = SimulatorFixture.UniqueName("writes");
        fixture.Cluster.Store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        return ns;
    }

    private JsonObject Get(string ns, string name, ResourceKind? kind = null) => fixture.Cluster.Store.Get(kind ?? ConfigMap, ns, name);

    /// <summary>Runs tools/bin/kubectl in namespace <paramref name="ns"/>, with <paramref name="manifest"/> as <c>-f</c> when given.</summary>
    private async Task<(int ExitCode, string Output)> KubectlAsync(string ns, string? manifest, params string[] arguments)
    {
        var directory = Path.GetDirectoryName(fixture.KubeconfigPath)!;
        string[] file = [];
        if (manifest is not null)
        {
            var path = Path.Combine(directory, $"{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(path, manifest);
            file = ["-f", path];
        }

        return await RepoTools.RunAsync(
            "kubectl",
            new Dictionary<string, string>(),
            ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(directory, "kube-cache"), "-n", ns, .. arguments, .. file]);
    }
}
