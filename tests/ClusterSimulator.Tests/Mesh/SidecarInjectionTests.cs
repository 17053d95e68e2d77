using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>Pods created through KubernetesClient get Istio's sidecar exactly when Istio's webhook would add it.</summary>
public sealed class SidecarInjectionTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    private static Dictionary<string, string> Inject(string value) => new() { ["app"] = "web", ["sidecar.istio.io/inject"] = value };

    [Fact]
    public async Task A_namespace_labelled_istio_injection_enabled_injects_the_proxy_of_istiods_version()
    {
        var ns = await mesh.NamespaceAsync("enabled", ("istio-injection", "enabled"));

        var pod = await mesh.PodAsync(ns, "web", new Dictionary<string, string> { ["app"] = "web" });

        var proxy = Assert.Single(pod.Spec.Containers, c => c.Name == "istio-proxy");
        Assert.Equal("docker.io/istio/proxyv2:1.31.1", proxy.Image);
        var prom = Assert.Single(proxy.Ports);
        Assert.Equal((15090, "http-envoy-prom"), (prom.ContainerPort, prom.Name));
        Assert.Equal("/healthz/ready", proxy.ReadinessProbe.HttpGet.Path);
        Assert.Equal("15021", proxy.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("app", pod.Spec.Containers[0].Name);
        Assert.Equal("istio-init", Assert.Single(pod.Spec.InitContainers).Name);
        Assert.Equal("istio", pod.Metadata.Labels["security.istio.io/tlsMode"]);
        Assert.Equal("web", pod.Metadata.Labels["service.istio.io/canonical-name"]);
        var status = JsonNode.Parse(pod.Metadata.Annotations["sidecar.istio.io/status"])!;
        Assert.Equal("default", (string?)status["revision"]);
        Assert.Equal("istio-proxy", (string?)status["containers"]![0]);

        var read = await mesh.Client.CoreV1.ReadNamespacedPodAsync("web", ns);
        Assert.Equal(2, read.Spec.Containers.Count);
    }

    [Fact]
    public async Task A_pod_labelled_inject_false_opts_out_in_an_enabled_namespace()
    {
        var ns = await mesh.NamespaceAsync("optout", ("istio-injection", "enabled"));

        var pod = await mesh.PodAsync(ns, "web", Inject("false"));

        AssertNotInjected(pod);
    }

    [Fact]
    public async Task A_pod_labelled_inject_true_is_injected_in_a_namespace_without_the_label()
    {
        var ns = await mesh.NamespaceAsync("optin");

        var optedIn = await mesh.PodAsync(ns, "web", Inject("true"));
        var plain = await mesh.PodAsync(ns, "plain", new Dictionary<string, string> { ["app"] = "plain" });

        Assert.Contains(optedIn.Spec.Containers, c => c.Name == "istio-proxy");
        AssertNotInjected(plain);
    }

    [Fact]
    public async Task Istio_injection_disabled_wins_over_the_pod_label()
    {
        var ns = await mesh.NamespaceAsync("disabled", ("istio-injection", "disabled"));

        var pod = await mesh.PodAsync(ns, "web", Inject("true"));

        AssertNotInjected(pod);
    }

    [Fact]
    public async Task A_revision_label_injects_through_the_revisioned_webhook_with_its_istiods_version()
    {
        var ns = await mesh.NamespaceAsync("canary", ("istio.io/rev", "canary"));

        var pod = await mesh.PodAsync(ns, "web", new Dictionary<string, string> { ["app"] = "web" });
        var optedOut = await mesh.PodAsync(ns, "out", Inject("false"));

        Assert.Equal("docker.io/istio/proxyv2:1.32.0", pod.Spec.Containers.Single(c => c.Name == "istio-proxy").Image);
        Assert.Equal("canary", (string?)JsonNode.Parse(pod.Metadata.Annotations["sidecar.istio.io/status"])!["revision"]);
        AssertNotInjected(optedOut);
    }

    [Fact]
    public async Task A_gateway_pod_with_image_auto_gets_the_proxy_image_and_no_second_proxy()
    {
        var ns = await mesh.NamespaceAsync("gateway");

        var pod = await mesh.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "ingress",
                    Labels = new Dictionary<string, string> { ["istio"] = "ingressgateway", ["sidecar.istio.io/inject"] = "true" },
                    Annotations = new Dictionary<string, string> { ["inject.istio.io/templates"] = "gateway" },
                },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "istio-proxy", Image = "auto" }] },
            },
            ns);

        Assert.Equal("docker.io/istio/proxyv2:1.31.1", Assert.Single(pod.Spec.Containers).Image);
        Assert.Null(pod.Spec.InitContainers);
        Assert.True(pod.Metadata.Annotations.ContainsKey("sidecar.istio.io/status"));
    }

    private static void AssertNotInjected(V1Pod pod)
    {
        Assert.Equal("app", Assert.Single(pod.Spec.Containers).Name);
        Assert.Null(pod.Spec.InitContainers);
        Assert.False(pod.Metadata.Annotations?.ContainsKey("sidecar.istio.io/status") ?? false);
        Assert.False(pod.Metadata.Labels?.ContainsKey("security.istio.io/tlsMode") ?? false);
    }
}

/// <summary>Without Istio's webhook configuration nothing is injected, whatever the labels say.</summary>
public sealed class NoInjectorTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Without_the_webhook_an_enabled_namespace_gets_plain_pods()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));
        var ns = SimulatorFixture.UniqueName("nowebhook");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { ["istio-injection"] = "enabled" } } });

        var pod = await client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { ["sidecar.istio.io/inject"] = "true" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "docker.io/library/busybox:1.37" }] },
            },
            ns);

        Assert.Equal("app", Assert.Single(pod.Spec.Containers).Name);
        Assert.Null(pod.Metadata.Annotations);
    }
}
