using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The real kubectl, given only the kubeconfig the simulator writes.</summary>
public sealed class KubectlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", new Dictionary<string, string>(), [
            "--kubeconfig", fixture.KubeconfigPath,
            "--cache-dir", Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, "kube-cache"),
            .. arguments]);

    [Fact]
    public async Task Kubectl_sees_one_ready_node_with_an_internal_address()
    {
        var (exitCode, output) = await KubectlAsync("get", "nodes", "-o", "jsonpath={.items[*].metadata.name} {.items[0].status.addresses[?(@.type==\"InternalIP\")].address} {.items[0].status.conditions[?(@.type==\"Ready\")].status}");

        Assert.True(exitCode == 0, output);
        Assert.Equal($"simulated-node {fixture.Cluster.Network.NodeAddress} True", output.Trim());
        Assert.True(System.Net.IPAddress.IsLoopback(fixture.Cluster.Network.NodeAddress), "the node's address is on the loopback range, so nothing leaves the machine");
    }

    [Fact]
    public async Task Kubectl_lists_namespaces_through_discovery()
    {
        var (exitCode, output) = await KubectlAsync("get", "ns");

        Assert.True(exitCode == 0, output);
        Assert.Contains("default", output);
        Assert.Contains("kube-system", output);
    }

    [Fact]
    public async Task Kubectl_finds_config_maps_by_short_name_and_applies_a_manifest()
    {
        var ns = SimulatorFixture.UniqueName("kubectl");
        var store = fixture.Cluster.Store;
        store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        store.Create(ObjectStore.Kind("ConfigMap"), ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "seeded" } });
        var manifest = Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, $"{ns}.yaml");
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels:\n    app: web\ndata:\n  k: v\n");

        // /openapi/v3 declares fieldValidation on every write, so kubectl leaves validation to the server.
        var apply = await KubectlAsync("apply", "-n", ns, "-f", manifest);
        var get = await KubectlAsync("get", "cm", "-n", ns);
        var selected = await KubectlAsync("get", "cm", "-n", ns, "-l", "app=web", "-o", "name");
        await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels:\n    app: web\ndata:\n  k: changed\n");
        var reapply = await KubectlAsync("apply", "-n", ns, "-f", manifest);
        var serverSide = await KubectlAsync("apply", "--server-side", "-n", ns, "-f", manifest);

        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("configmap/applied created", apply.Output);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Contains("seeded", get.Output);
        Assert.Contains("applied", get.Output);
        Assert.Equal("configmap/applied", selected.Output.Trim());
        Assert.True(reapply.ExitCode == 0, reapply.Output);
        Assert.Contains("configmap/applied configured", reapply.Output);
        Assert.Equal("changed", (string?)store.Get(ObjectStore.Kind("ConfigMap"), ns, "applied")["data"]!["k"]);
        Assert.True(serverSide.ExitCode == 0, serverSide.Output);
    }
}
