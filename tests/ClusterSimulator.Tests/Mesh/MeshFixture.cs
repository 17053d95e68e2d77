using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// A simulator with Istio's pieces in place, as the istiod chart leaves them: the PeerAuthentication
/// definition, istiod (1.31.1) and a revision <c>canary</c> istiod (1.32.0) Deployments in istio-system,
/// and the two sidecar-injector webhook configurations our istiod fixture chart renders.
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
        foreach (var (suffix, tag) in new[] { ("", "1.31.1"), ("-canary", "1.32.0") })
        {
            await Client.AppsV1.CreateNamespacedDeploymentAsync(
                new V1Deployment
                {
                    Metadata = new V1ObjectMeta { Name = "istiod" + suffix },
                    Spec = new V1DeploymentSpec
                    {
                        Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "istiod" } },
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "istiod" } },
                            Spec = new V1PodSpec { Containers = [new V1Container { Name = "discovery", Image = $"docker.io/istio/pilot:{tag}" }] },
                        },
                    },
                },
                "istio-system");
        }

        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>(DefaultWebhooks));
        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>(CanaryWebhooks));
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Simulator.DisposeAsync();
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

    // What our istiod fixture chart (tests/charts/istiod) renders, without and with revision "canary".
    private const string DefaultWebhooks = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: istio-sidecar-injector
          labels: {app: sidecar-injector, istio.io/rev: default}
        webhooks:
        - name: namespace.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
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
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio-injection, operator: DoesNotExist}
            - {key: istio.io/rev, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: In, values: ["true"]}
        """;

    private const string CanaryWebhooks = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: istio-sidecar-injector-canary
          labels: {app: sidecar-injector, istio.io/rev: canary}
        webhooks:
        - name: rev.namespace.sidecar-injector.istio.io
          clientConfig: {service: {name: istiod-canary, namespace: istio-system, path: /inject, port: 443}}
          sideEffects: None
          admissionReviewVersions: ["v1"]
          rules: [{operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          namespaceSelector:
            matchExpressions:
            - {key: istio.io/rev, operator: In, values: ["canary"]}
            - {key: istio-injection, operator: DoesNotExist}
          objectSelector:
            matchExpressions:
            - {key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}
        """;
}
