using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// A simulator with Istio's pieces in place, as the istiod chart leaves them: the PeerAuthentication
/// definition, a Ready istiod pod (1.31.1) and a Ready revision <c>canary</c> istiod pod (1.32.0) in
/// istio-system behind their Services, and the sidecar-injector webhook configurations the published
/// istiod chart renders without and with revision <c>canary</c>.
/// </summary>
public sealed class MeshFixture : IAsyncLifetime
{
    public SimulatorFixture Simulator { get; } = new();

    public Kubernetes Client { get; private set; } = null!;

    public SimulatedCluster Cluster => Simulator.Cluster;

    public async Task InitializeAsync()
    {
        await Simulator.InitializeAsync();

        // These tests create bare pods and decide themselves when each becomes Ready.
        Cluster.Controllers.Kubelet = false;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Simulator.KubeconfigPath));
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(PeerAuthenticationCrd.Yaml));
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "istio-system" } });
        foreach (var (revision, tag) in new[] { ("default", "1.31.1"), ("canary", "1.32.0") })
        {
            await IstiodAsync(revision, tag);
        }

        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>(DefaultWebhooks));
        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>(CanaryWebhooks));
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Simulator.DisposeAsync();
    }

    /// <summary>An istiod of <paramref name="revision"/>: its Service (istiod, or istiod-REVISION) and a Ready pod behind it.</summary>
    public async Task IstiodAsync(string revision, string tag)
    {
        var name = revision == "default" ? "istiod" : $"istiod-{revision}";
        var labels = new Dictionary<string, string> { ["app"] = "istiod", ["istio.io/rev"] = revision };
        await Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Name = "https-webhook", Port = 443, TargetPort = 15017 }] },
            },
            "istio-system");
        await Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name + "-0", Labels = new Dictionary<string, string>(labels) { ["sidecar.istio.io/inject"] = "false" } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "discovery",
                            Image = $"docker.io/istio/pilot:{tag}",
                            Args = ["discovery", "--monitoringAddr=:15014"],
                            Env = [new V1EnvVar { Name = "REVISION", Value = revision }],
                        },
                    ],
                },
            },
            "istio-system");
        await MarkReadyAsync("istio-system", name + "-0");
    }

    /// <summary>A new namespace with <paramref name="labels"/>; returns its name.</summary>
    public async Task<string> NamespaceAsync(string prefix, params (string Key, string Value)[] labels)
    {
        var name = SimulatorFixture.UniqueName(prefix);
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
        });
        return name;
    }

    /// <summary>Creates a pod whose one container listens on <paramref name="port"/>; returns it as stored.</summary>
    public Task<V1Pod> PodAsync(string ns, string name, IDictionary<string, string>? labels = null, int port = 8080, IList<string>? command = null) =>
        Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string>() },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "app",
                            Image = "docker.io/library/busybox:1.37",
                            Command = command,
                            Ports = [new V1ContainerPort { ContainerPort = port, Name = "http" }],
                        },
                    ],
                },
            },
            ns);

    /// <summary>Sets the pod's Ready condition through the status subresource, as the kubelet would.</summary>
    public Task MarkReadyAsync(string ns, string name) =>
        Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch),
            name,
            ns);

    /// <summary>A Service selecting <c>app: <paramref name="app"/></c>, port <paramref name="port"/> to <paramref name="targetPort"/>.</summary>
    public Task<V1Service> ServiceAsync(string ns, string name, string app, int port, int targetPort, string? portName = null) =>
        Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1ServiceSpec
                {
                    Selector = new Dictionary<string, string> { ["app"] = app },
                    Ports = [new V1ServicePort { Name = portName ?? $"http-{port}", Port = port, TargetPort = targetPort }],
                },
            },
            ns);

    public Task PeerAuthenticationAsync(string ns, string name, JsonObject spec) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new JsonObject
            {
                ["apiVersion"] = "security.istio.io/v1",
                ["kind"] = "PeerAuthentication",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = spec,
            },
            "security.istio.io",
            "v1",
            ns,
            "peerauthentications");

    // The published istiod chart's webhooks (templates/mutatingwebhook.yaml, 1.30.3), as `helm template`
    // renders them without a revision and with revision canary: the same selectors, written out here.
    private const string DefaultWebhooks = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: istio-sidecar-injector
          labels: {app: sidecar-injector, istio.io/rev: default, app.kubernetes.io/name: istiod}
        webhooks:
        - name: rev.namespace.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio.io/rev, operator: In, values: ["default"]}
            - {key: istio-injection, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
        - name: rev.object.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio.io/rev, operator: DoesNotExist}
            - {key: istio-injection, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
            - {key: istio.io/rev, operator: In, values: ["default"]}
        - name: namespace.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio-injection, operator: In, values: ["enabled"]}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
        - name: object.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio-injection, operator: DoesNotExist}
            - {key: istio.io/rev, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: In, values: ["true"]}
            - {key: istio.io/rev, operator: DoesNotExist}
        """;

    private const string CanaryWebhooks = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: istio-sidecar-injector-canary
          labels: {app: sidecar-injector, istio.io/rev: canary, app.kubernetes.io/name: istiod}
        webhooks:
        - name: rev.namespace.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod-canary, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio.io/rev, operator: In, values: ["canary"]}
            - {key: istio-injection, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
        - name: rev.object.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod-canary, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          failurePolicy: Fail
          reinvocationPolicy: Never
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio.io/rev, operator: DoesNotExist}
            - {key: istio-injection, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
            - {key: istio.io/rev, operator: In, values: ["canary"]}
        """;
}
