using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The built-in kinds beyond the ones our pipeline writes, through KubernetesClient's typed API and the
/// raw wire: discovery as a 1.35 server answers it, the generic store, and validation at decoding.
/// </summary>
public sealed class BuiltInKindsClientTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IDisposable
{
    private readonly HttpClient _http = fixture.HttpClient(fixture.Cluster.Token);

    public void Dispose() => _http.Dispose();

    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));

    [Theory]
    [InlineData("/apis/autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa", "all")]
    [InlineData("/apis/policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", null)]
    [InlineData("/apis/networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true, "netpol", null)]
    [InlineData("/apis/networking.k8s.io/v1", "ingresses", "Ingress", true, "ing", null)]
    [InlineData("/apis/networking.k8s.io/v1", "ingressclasses", "IngressClass", false, null, null)]
    [InlineData("/apis/batch/v1", "cronjobs", "CronJob", true, "cj", "all")]
    [InlineData("/api/v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", null)]
    [InlineData("/api/v1", "persistentvolumes", "PersistentVolume", false, "pv", null)]
    [InlineData("/api/v1", "resourcequotas", "ResourceQuota", true, "quota", null)]
    [InlineData("/api/v1", "limitranges", "LimitRange", true, "limits", null)]
    [InlineData("/api/v1", "replicationcontrollers", "ReplicationController", true, "rc", "all")]
    [InlineData("/api/v1", "events", "Event", true, "ev", null)]
    [InlineData("/apis/events.k8s.io/v1", "events", "Event", true, "ev", null)]
    [InlineData("/apis/storage.k8s.io/v1", "storageclasses", "StorageClass", false, "sc", null)]
    [InlineData("/apis/storage.k8s.io/v1", "csidrivers", "CSIDriver", false, null, null)]
    [InlineData("/apis/scheduling.k8s.io/v1", "priorityclasses", "PriorityClass", false, "pc", null)]
    [InlineData("/apis/coordination.k8s.io/v1", "leases", "Lease", true, null, null)]
    [InlineData("/apis/admissionregistration.k8s.io/v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false, null, "api-extensions")]
    [InlineData("/apis/admissionregistration.k8s.io/v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false, null, "api-extensions")]
    [InlineData("/apis/certificates.k8s.io/v1", "certificatesigningrequests", "CertificateSigningRequest", false, "csr", null)]
    [InlineData("/apis/node.k8s.io/v1", "runtimeclasses", "RuntimeClass", false, null, null)]
    [InlineData("/apis/apps/v1", "controllerrevisions", "ControllerRevision", true, null, null)]
    [InlineData("/apis/discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true, null, null)]
    public async Task Discovery_lists_the_kind_with_its_scope_short_name_and_category(
        string groupVersion, string plural, string kind, bool namespaced, string? shortName, string? category)
    {
        var list = await GetAsync(groupVersion);

        var resource = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == plural)!;
        Assert.Equal(kind, (string?)resource["kind"]);
        Assert.Equal(namespaced, (bool?)resource["namespaced"]);
        Assert.Equal(shortName is null ? [] : [shortName], resource["shortNames"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(category is null ? [] : [category], resource["categories"]!.AsArray().Select(s => (string?)s));
        Assert.Contains("watch", resource["verbs"]!.AsArray().Select(v => (string?)v));
        var openApi = await GetAsync("/openapi/v3");
        Assert.NotNull(openApi["paths"]![groupVersion.TrimStart('/')]);
    }

    [Fact]
    public async Task Subresources_are_listed_with_the_kind_they_answer_with()
    {
        var core = (await GetAsync("/api/v1"))["resources"]!.AsArray();
        var apps = (await GetAsync("/apis/apps/v1"))["resources"]!.AsArray();
        JsonNode Resource(JsonArray list, string name) => list.Single(r => (string?)r!["name"] == name)!;

        Assert.Equal("TokenRequest", (string?)Resource(core, "serviceaccounts/token")["kind"]);
        Assert.Equal("authentication.k8s.io", (string?)Resource(core, "serviceaccounts/token")["group"]);
        Assert.Equal("Scale", (string?)Resource(core, "replicationcontrollers/scale")["kind"]);
        Assert.Equal("Scale", (string?)Resource(apps, "deployments/scale")["kind"]);
        Assert.Equal(["get", "patch", "update"], Resource(core, "persistentvolumeclaims/status")["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("autoscaling/v2", (string?)(await GetAsync("/apis/autoscaling"))["preferredVersion"]!["groupVersion"]);
    }

    [Fact]
    public async Task A_horizontal_pod_autoscaler_is_created_read_listed_applied_and_deleted()
    {
        using var client = Client();
        var ns = await NamespaceAsync(client);
        var hpa = new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MinReplicas = 1,
                MaxReplicas = 5,
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } },
                    },
                ],
            },
        };

        var created = await client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(hpa, ns);
        var read = await client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        var listed = await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns);
        var applied = await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(
            new V1Patch(
                """{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":9}}""",
                V1Patch.PatchType.ApplyPatch),
            "web", ns, fieldManager: "tests", force: true);
        await client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync("web", ns);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns));

        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(80, read.Spec.Metrics.Single().Resource.Target.AverageUtilization);
        Assert.Equal("web", Assert.Single(listed.Items).Metadata.Name);
        Assert.Equal(9, applied.Spec.MaxReplicas);
        Assert.Equal(2, applied.Metadata.Generation);
        Assert.Contains(applied.Metadata.ManagedFields, f => f.Manager == "tests" && f.Operation == "Apply");
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        Assert.Equal("horizontalpodautoscalers.autoscaling \"web\" not found", (string?)JsonNode.Parse(gone.Response.Content)!["message"]);
    }

    [Fact]
    public async Task Namespaced_and_cluster_scoped_kinds_are_stored_generically()
    {
        using var client = Client();
        var ns = await NamespaceAsync(client);
        var name = SimulatorFixture.UniqueName("kinds");

        await client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        }, ns);
        await client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(new V1NetworkPolicy
        {
            Metadata = new V1ObjectMeta { Name = "deny" },
            Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress"] },
        }, ns);
        await client.BatchV1.CreateNamespacedCronJobAsync(new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "nightly" },
            Spec = new V1CronJobSpec
            {
                Schedule = "0 3 * * *",
                JobTemplate = new V1JobTemplateSpec
                {
                    Spec = new V1JobSpec
                    {
                        Template = new V1PodTemplateSpec
                        {
                            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "run", Image = "busybox" }] },
                        },
                    },
                },
            },
        }, ns);
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, ns);
        await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "leader" }, Spec = new V1LeaseSpec { HolderIdentity = "me" } }, ns);
        await client.StorageV1.CreateStorageClassAsync(new V1StorageClass { Metadata = new V1ObjectMeta { Name = name }, Provisioner = "example.com/disk" });
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = name }, Value = 1000 });
        await client.AdmissionregistrationV1.CreateValidatingAdmissionPolicyAsync(new V1ValidatingAdmissionPolicy
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ValidatingAdmissionPolicySpec { Validations = [new V1Validation { Expression = "object.spec.replicas <= 5" }] },
        });

        Assert.Equal("1", (await client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns)).Spec.MinAvailable.Value);
        Assert.Equal(["Ingress"], (await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(ns)).Items.Single().Spec.PolicyTypes);
        Assert.Equal("0 3 * * *", (await client.BatchV1.ReadNamespacedCronJobAsync("nightly", ns)).Spec.Schedule);
        Assert.Equal("1Gi", (await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns)).Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("me", (await client.CoordinationV1.ReadNamespacedLeaseAsync("leader", ns)).Spec.HolderIdentity);
        Assert.Equal("example.com/disk", (await client.StorageV1.ReadStorageClassAsync(name)).Provisioner);
        Assert.Equal(1000, (await client.SchedulingV1.ReadPriorityClassAsync(name)).Value);
        Assert.Equal(name, (await client.AdmissionregistrationV1.ListValidatingAdmissionPolicyAsync()).Items.Single(p => p.Metadata.Name == name).Metadata.Name);

        await client.StorageV1.DeleteStorageClassAsync(name);
        await client.CoreV1.DeleteNamespaceAsync(ns);
        var pvcGone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns));
        var classGone = await Assert.ThrowsAsync<HttpOperationException>(() => client.StorageV1.ReadStorageClassAsync(name));
        Assert.Equal(HttpStatusCode.NotFound, pvcGone.Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, classGone.Response.StatusCode);
    }

    [Fact]
    public async Task A_service_account_token_is_issued_for_an_existing_account_only()
    {
        using var client = Client();
        var ns = await NamespaceAsync(client);
        await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, ns);

        var issued = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["api"], ExpirationSeconds = 1200 } }, "robot", ns);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "nobody", ns));

        var claims = JsonNode.Parse(Encoding.UTF8.GetString(FromBase64Url(issued.Status.Token.Split('.')[1])))!;
        Assert.Equal($"system:serviceaccount:{ns}:robot", (string?)claims["sub"]);
        Assert.Equal("api", (string?)claims["aud"]![0]);
        Assert.InRange(issued.Status.ExpirationTimestamp!.Value, DateTime.UtcNow.AddSeconds(1100), DateTime.UtcNow.AddSeconds(1300));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task Unknown_fields_of_a_built_in_kind_fail_under_Strict_warn_under_Warn_and_are_dropped()
    {
        var ns = await NamespaceAsync();
        const string Body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","bogusMeta":1},"bogus":true,"data":{"a":"b"}}""";

        using var strict = await PostAsync($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", Body.Replace("NAME", "strict", StringComparison.Ordinal));
        using var warn = await PostAsync($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Warn", Body.Replace("NAME", "warn", StringComparison.Ordinal));
        using var ignore = await PostAsync($"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Ignore", Body.Replace("NAME", "ignore", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Equal(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.bogusMeta\", unknown field \"bogus\"",
            (string?)JsonNode.Parse(await strict.Content.ReadAsStringAsync())!["message"]);
        Assert.Equal(HttpStatusCode.Created, warn.StatusCode);
        Assert.Equal(
            ["299 - \"unknown field \\\"metadata.bogusMeta\\\"\"", "299 - \"unknown field \\\"bogus\\\"\""],
            warn.Headers.GetValues("Warning"));
        Assert.Equal(HttpStatusCode.Created, ignore.StatusCode);
        Assert.False(ignore.Headers.Contains("Warning"));
        var stored = fixture.Cluster.Store.Get(ObjectStore.Kind("ConfigMap"), ns, "warn");
        Assert.Null(stored["bogus"]);
        Assert.Null(stored["metadata"]!["bogusMeta"]);
        Assert.Equal("b", (string?)stored["data"]!["a"]);
    }

    [Fact]
    public async Task Values_of_the_wrong_type_are_refused_as_the_decoder_refuses_them()
    {
        var ns = await NamespaceAsync();
        const string Deployment = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"replicas":"two","selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}
            """;

        using var created = await PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment);
        using var applied = await PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web?fieldManager=tests", Deployment, "application/apply-patch+yaml");
        using var quantity = await PostAsync($"/api/v1/namespaces/{ns}/resourcequotas",
            """{"metadata":{"name":"q"},"spec":{"hard":{"pods":"lots"}}}""");
        using var secret = await PatchAsync($"/api/v1/namespaces/{ns}/secrets/s?fieldManager=tests",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"key":"not base64!"}}""", "application/apply-patch+yaml");
        using var port = await PostAsync($"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies",
            """{"metadata":{"name":"np"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":"http"},{"port":8080},{"port":true}]}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal(
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            await MessageAsync(created));
        Assert.Equal(HttpStatusCode.InternalServerError, applied.StatusCode);
        Assert.Equal(
            $"failed to create typed patch object ({ns}/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string",
            await MessageAsync(applied));
        Assert.Equal(HttpStatusCode.BadRequest, quantity.StatusCode);
        Assert.EndsWith("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", await MessageAsync(quantity));
        // A string passes the typed conversion of an apply; its base64 fails decoding after, with a 400.
        Assert.Equal(HttpStatusCode.BadRequest, secret.StatusCode);
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3", await MessageAsync(secret));
        Assert.Equal(HttpStatusCode.BadRequest, port.StatusCode);
        Assert.Contains("cannot unmarshal bool into Go struct field NetworkPolicyPort.spec.ingress.ports.port of type intstr.IntOrString", await MessageAsync(port));
    }

    [Fact]
    public async Task Quantities_are_stored_in_their_canonical_form_as_decoding_into_the_Go_type_leaves_them()
    {
        var ns = await NamespaceAsync();
        const string Deployment = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"sized"},
             "spec":{"selector":{"matchLabels":{"app":"sized"}},
                     "template":{"metadata":{"labels":{"app":"sized"}},"spec":{"containers":[{"name":"app","image":"nginx",
                       "resources":{"limits":{"cpu":"2000m","memory":"1024Mi"},"requests":{"cpu":1,"memory":"128Mi","ephemeral-storage":"0.5"}}}]}}}}
            """;

        using var applied = await PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/sized?fieldManager=tests", Deployment, "application/apply-patch+yaml");
        var resources = (await GetAsync($"/apis/apps/v1/namespaces/{ns}/deployments/sized"))["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;

        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        Assert.Equal("""{"limits":{"cpu":"2","memory":"1Gi"},"requests":{"cpu":"1","memory":"128Mi","ephemeral-storage":"500m"}}""", resources.ToJsonString());
    }

    private async Task<string> NamespaceAsync(Kubernetes? client = null)
    {
        var ns = SimulatorFixture.UniqueName("kinds");
        fixture.Cluster.Store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        if (client is not null)
        {
            await client.CoreV1.ReadNamespaceAsync(ns);
        }

        return ns;
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        _http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PatchAsync(string path, string body, string mediaType) =>
        _http.PatchAsync(path, new StringContent(body, Encoding.UTF8, mediaType));

    private static async Task<string?> MessageAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"];

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
