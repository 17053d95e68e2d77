using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The real kubectl, given only the kubeconfig the simulator writes.</summary>
public sealed class KubectlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        Kubectl.RunAsync([
            "--kubeconfig", fixture.KubeconfigPath,
            "--cache-dir", Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, "kube-cache"),
            .. arguments]);

    [KubectlFact]
    public async Task Kubectl_lists_namespaces_through_discovery()
    {
        var (exitCode, output) = await KubectlAsync("get", "ns");

        Assert.True(exitCode == 0, output);
        Assert.Contains("default", output);
        Assert.Contains("kube-system", output);
    }

    [KubectlFact]
    public async Task Kubectl_finds_config_maps_by_short_name_and_applies_a_manifest()
    {
        var ns = SimulatorFixture.UniqueName("kubectl");
        var store = fixture.Cluster.Store;
        store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        store.Create(ObjectStore.Kind("ConfigMap"), ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "seeded" } });
        var manifest = Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, $"{ns}.yaml");
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels:\n    app: web\ndata:\n  k: v\n");

        // The simulator's /openapi/v3 declares no fieldValidation yet, so kubectl would validate client-side
        // with /openapi/v2, which is not served: hence --validate=false.
        var apply = await KubectlAsync("apply", "--validate=false", "-n", ns, "-f", manifest);
        var get = await KubectlAsync("get", "cm", "-n", ns);
        var selected = await KubectlAsync("get", "cm", "-n", ns, "-l", "app=web", "-o", "name");

        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("configmap/applied created", apply.Output);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Contains("seeded", get.Output);
        Assert.Contains("applied", get.Output);
        Assert.Equal("configmap/applied", selected.Output.Trim());
    }
}
