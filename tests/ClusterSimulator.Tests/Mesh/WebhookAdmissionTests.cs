using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// Mutating webhooks evaluated as kube-apiserver does, whoever installed them; the simulator injects only
/// where the webhook's Service is served by an istiod pod, and a running istiod edits its webhooks.
/// </summary>
public sealed class WebhookAdmissionTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task A_webhook_whose_service_has_no_endpoint_refuses_the_pod_when_it_fails_closed()
    {
        var ns = await mesh.NamespaceAsync("closed", ("webhook-test", "closed"));
        await WebhooksAsync("closed", "Fail", service: "nobody", operations: "CREATE");
        await mesh.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "nobody" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "nobody" }, Ports = [new V1ServicePort { Port = 443 }] } }, "istio-system");

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => mesh.PodAsync(ns, "web"));

        var message = (string?)JsonNode.Parse(refused.Response.Content)!["message"] ?? "";
        Assert.Equal(500, (int)refused.Response.StatusCode);
        Assert.Contains("failed calling webhook \"closed.example.io\"", message, StringComparison.Ordinal);
        Assert.Contains("no endpoints available for service \"nobody\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_fails_open_admits_the_pod_unchanged()
    {
        var ns = await mesh.NamespaceAsync("open", ("webhook-test", "open"));
        await WebhooksAsync("open", "Ignore", service: "missing", operations: "CREATE");

        var pod = await mesh.PodAsync(ns, "web");

        Assert.Equal("app", Assert.Single(pod.Spec.Containers).Name);
    }

    [Fact]
    public async Task A_reachable_webhook_that_is_not_istiod_admits_the_pod_unchanged()
    {
        var ns = await mesh.NamespaceAsync("other", ("webhook-test", "other"));
        await mesh.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "policy" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "policy" }, Ports = [new V1ServicePort { Port = 443 }] } }, ns);
        await mesh.PodAsync(ns, "policy-0", new Dictionary<string, string> { ["app"] = "policy" });
        await mesh.MarkReadyAsync(ns, "policy-0");
        await WebhooksAsync("other", "Fail", service: "policy", operations: "CREATE", serviceNs: ns, objectSelector: new JsonObject { ["matchLabels"] = new JsonObject { ["role"] = "web" } });

        var pod = await mesh.PodAsync(ns, "web", new Dictionary<string, string> { ["role"] = "web" });

        Assert.Equal("app", Assert.Single(pod.Spec.Containers).Name);
    }

    [Fact]
    public async Task A_webhook_for_updates_only_is_not_called_on_create()
    {
        var ns = await mesh.NamespaceAsync("update", ("webhook-test", "update"));
        await WebhooksAsync("update", "Fail", service: "missing", operations: "UPDATE");

        var pod = await mesh.PodAsync(ns, "web");

        Assert.Equal("web", pod.Metadata.Name);
    }

    [Fact]
    public async Task A_revision_tag_webhook_injects_the_proxy_of_the_revision_it_points_at()
    {
        var ns = await mesh.NamespaceAsync("tagged", ("istio.io/rev", "prod"));
        await mesh.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: istio-revision-tag-prod
              labels: {istio.io/tag: prod, istio.io/rev: canary, app: sidecar-injector}
            webhooks:
            - name: rev.namespace.sidecar-injector.istio.io
              clientConfig: {service: {name: istiod-canary, namespace: istio-system, path: /inject, port: 443}}
              sideEffects: None
              failurePolicy: Fail
              admissionReviewVersions: ["v1"]
              rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
              namespaceSelector:
                matchExpressions:
                - {key: istio.io/rev, operator: In, values: ["prod"]}
                - {key: istio-injection, operator: DoesNotExist}
              objectSelector:
                matchExpressions:
                - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
            """));

        var pod = await mesh.PodAsync(ns, "web");

        Assert.Equal("docker.io/istio/proxyv2:1.32.0", pod.Spec.Containers.Single(c => c.Name == "istio-proxy").Image);
        Assert.Equal("canary", (string?)JsonNode.Parse(pod.Metadata.Annotations["sidecar.istio.io/status"])!["revision"]);
    }

    [Fact]
    public async Task A_running_istiod_writes_its_ca_bundle_and_fails_its_validator_closed_as_pilot_discovery()
    {
        await mesh.Client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1ValidatingWebhookConfiguration>("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: istio-validator-canary-istio-system
              labels: {app: istiod, istio.io/rev: canary}
            webhooks:
            - name: rev.validation.istio.io
              clientConfig: {service: {name: istiod-canary, namespace: istio-system, path: /validate}}
              rules: [{operations: [CREATE, UPDATE], apiGroups: [networking.istio.io], apiVersions: ["*"], resources: ["*"]}]
              failurePolicy: Ignore
              sideEffects: None
              admissionReviewVersions: ["v1"]
            """));

        var validator = await EventuallyAsync(
            () => mesh.Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("istio-validator-canary-istio-system"),
            v => v.Webhooks[0].FailurePolicy == "Fail");
        var injector = await EventuallyAsync(
            () => mesh.Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("istio-sidecar-injector-canary"),
            m => m.Webhooks.All(w => w.ClientConfig.CaBundle is { Length: > 0 }));

        Assert.Equal("Fail", validator.Webhooks[0].FailurePolicy);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", System.Text.Encoding.ASCII.GetString(validator.Webhooks[0].ClientConfig.CaBundle), StringComparison.Ordinal);
        Assert.Equal(validator.Webhooks[0].ClientConfig.CaBundle, injector.Webhooks[0].ClientConfig.CaBundle);
        Assert.Contains(validator.Metadata.ManagedFields, f => f.Manager == "pilot-discovery" && f.Operation == "Update");
        Assert.Contains(injector.Metadata.ManagedFields, f => f.Manager == "pilot-discovery" && f.Operation == "Update");
    }

    [Fact]
    public async Task A_chart_applying_the_failure_policy_istiod_set_conflicts_on_that_webhook_field_only()
    {
        const string name = "istio-validator-istio-system";
        string Validator(string? failurePolicy)
        {
            var webhook = new JsonObject
            {
                ["name"] = "rev.validation.istio.io",
                ["sideEffects"] = "None",
                ["admissionReviewVersions"] = new JsonArray("v1"),
                ["clientConfig"] = new JsonObject { ["service"] = new JsonObject { ["name"] = "istiod", ["namespace"] = "istio-system", ["path"] = "/validate" } },
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["operations"] = new JsonArray("CREATE", "UPDATE"),
                    ["apiGroups"] = new JsonArray("networking.istio.io"),
                    ["apiVersions"] = new JsonArray("*"),
                    ["resources"] = new JsonArray("*"),
                }),
            };
            if (failurePolicy is not null)
            {
                webhook["failurePolicy"] = failurePolicy;
            }

            return new JsonObject
            {
                ["apiVersion"] = "admissionregistration.k8s.io/v1",
                ["kind"] = "ValidatingWebhookConfiguration",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["istio.io/rev"] = "default" } },
                ["webhooks"] = new JsonArray(webhook),
            }.ToJsonString();
        }

        await mesh.Client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(new V1Patch(Validator("Ignore"), V1Patch.PatchType.ApplyPatch), name, fieldManager: "helm");
        await EventuallyAsync(() => mesh.Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(name), v => v.Webhooks[0].FailurePolicy == "Fail");

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            mesh.Client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(new V1Patch(Validator("Ignore"), V1Patch.PatchType.ApplyPatch), name, fieldManager: "helm"));
        var upgrade = await mesh.Client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(new V1Patch(Validator(null), V1Patch.PatchType.ApplyPatch), name, fieldManager: "helm");

        Assert.Equal(409, (int)conflict.Response.StatusCode);
        Assert.Contains("conflict with \"pilot-discovery\" using admissionregistration.k8s.io/v1: .webhooks[name=\"rev.validation.istio.io\"].failurePolicy", (string?)JsonNode.Parse(conflict.Response.Content)!["message"], StringComparison.Ordinal);
        Assert.Equal("Fail", upgrade.Webhooks[0].FailurePolicy);
    }

    // A configuration NAME with one webhook NAME.example.io for pods in namespaces labelled webhook-test=NAME.
    private Task WebhooksAsync(string name, string failurePolicy, string service, string operations, string serviceNs = "istio-system", JsonObject? objectSelector = null) =>
        mesh.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesJson.Deserialize<V1MutatingWebhookConfiguration>(new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = new JsonObject { ["name"] = $"test-{name}-{Guid.NewGuid():N}"[..20] },
            ["webhooks"] = new JsonArray(new JsonObject
            {
                ["name"] = $"{name}.example.io",
                ["clientConfig"] = new JsonObject { ["service"] = new JsonObject { ["name"] = service, ["namespace"] = serviceNs, ["path"] = "/mutate" } },
                ["sideEffects"] = "None",
                ["failurePolicy"] = failurePolicy,
                ["admissionReviewVersions"] = new JsonArray("v1"),
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["operations"] = new JsonArray(operations),
                    ["apiGroups"] = new JsonArray(""),
                    ["apiVersions"] = new JsonArray("v1"),
                    ["resources"] = new JsonArray("pods"),
                }),
                ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["webhook-test"] = name } },
                ["objectSelector"] = objectSelector,
            }),
        }.ToJsonString()));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
