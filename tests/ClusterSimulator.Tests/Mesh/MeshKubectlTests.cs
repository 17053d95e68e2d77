namespace Mesh.ClusterSimulator.Tests;

/// <summary>The real kubectl sees injected pods and reaches the add-ons through the service proxy.</summary>
public sealed class MeshKubectlTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", new Dictionary<string, string>(), [
            "--kubeconfig", mesh.Simulator.KubeconfigPath,
            "--cache-dir", Path.Combine(Path.GetDirectoryName(mesh.Simulator.KubeconfigPath)!, "kube-cache"),
            .. arguments]);

    [Fact]
    public async Task Kubectl_run_in_an_enabled_namespace_shows_the_injected_proxy()
    {
        var ns = await mesh.NamespaceAsync("kubectl", ("istio-injection", "enabled"));

        var run = await KubectlAsync("run", "web", "-n", ns, "--image=docker.io/library/nginx:1.29", "--labels=app=web");
        var containers = await KubectlAsync("get", "pod", "web", "-n", ns, "-o", "jsonpath={.spec.containers[*].name} {.spec.containers[1].image}");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("pod/web created", run.Output);
        Assert.True(containers.ExitCode == 0, containers.Output);
        Assert.Equal("web istio-proxy docker.io/istio/proxyv2:1.31.1", containers.Output.Trim());
    }

    [Fact]
    public async Task Kubectl_get_raw_reaches_kiali_through_the_service_proxy_once_ready()
    {
        var ns = await mesh.NamespaceAsync("rawproxy");
        await mesh.PodAsync(ns, "kiali-0", new Dictionary<string, string> { ["app"] = "kiali" }, 20001);
        await mesh.ServiceAsync(ns, "kiali", "kiali", 20001, 20001);
        var path = $"/api/v1/namespaces/{ns}/services/kiali:20001/proxy/kiali/healthz";

        var unready = await KubectlAsync("get", "--raw", path);
        await mesh.MarkReadyAsync(ns, "kiali-0");
        var ready = await KubectlAsync("get", "--raw", path);

        Assert.Equal(1, unready.ExitCode);
        Assert.Contains("Error from server (ServiceUnavailable): no endpoints available for service \"kiali\"", unready.Output);
        Assert.True(ready.ExitCode == 0, ready.Output);
    }
}
