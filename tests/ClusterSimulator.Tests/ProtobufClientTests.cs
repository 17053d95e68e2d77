using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// kubectl's typed create commands and helm write built-in kinds in protobuf; the real binaries from
/// tools/bin, given only the simulator's kubeconfig, must work end to end.
/// </summary>
public sealed class ProtobufClientTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    private string Scratch => Path.GetDirectoryName(fixture.KubeconfigPath)!;

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", NoEnvironment,
            ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(Scratch, "kube-cache"), .. arguments]);

    [Fact]
    public async Task Kubectl_creates_a_namespace_config_map_secret_and_deployment()
    {
        var ns = SimulatorFixture.UniqueName("proto");

        var createNs = await KubectlAsync("create", "ns", ns);
        var createCm = await KubectlAsync("create", "configmap", "settings", "-n", ns, "--from-literal=greeting=hello");
        var createSecret = await KubectlAsync("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cr3t");
        var createDeployment = await KubectlAsync("create", "deployment", "web", "-n", ns, "--image=nginx:1.27", "--port=80");
        var getSecret = await KubectlAsync("get", "secret", "creds", "-n", ns, "-o", "json");
        var getCm = await KubectlAsync("get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.greeting}");

        Assert.True(createNs.ExitCode == 0, createNs.Output);
        Assert.Contains($"namespace/{ns} created", createNs.Output);
        Assert.True(createCm.ExitCode == 0, createCm.Output);
        Assert.Contains("configmap/settings created", createCm.Output);
        Assert.True(createSecret.ExitCode == 0, createSecret.Output);
        Assert.Contains("secret/creds created", createSecret.Output);
        Assert.True(createDeployment.ExitCode == 0, createDeployment.Output);
        Assert.Contains("deployment.apps/web created", createDeployment.Output);
        Assert.True(getSecret.ExitCode == 0, getSecret.Output);
        var secret = JsonNode.Parse(getSecret.Output)!;
        Assert.Equal(Convert.ToBase64String("s3cr3t"u8), (string?)secret["data"]!["password"]);
        Assert.Equal("Opaque", (string?)secret["type"]);
        Assert.Equal("hello", getCm.Output);
        var deployment = fixture.Cluster.Store.Get(ObjectStore.Kind("Deployment"), ns, "web");
        Assert.Equal("nginx:1.27", (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task Helm_installs_upgrades_rolls_back_and_uninstalls_a_chart()
    {
        var ns = SimulatorFixture.UniqueName("helm");
        var store = fixture.Cluster.Store;
        var configMaps = ObjectStore.Kind("ConfigMap");
        await KubectlAsync("create", "ns", ns);
        string Greeting() => (string)store.Get(configMaps, ns, "demo-demo")["data"]!["greeting"]!;

        var install = await new ControllerTestKit(fixture).HelmAsync("install", "demo", RepoTools.Chart("demo"), "-n", ns);
        var list = await new ControllerTestKit(fixture).HelmAsync("list", "-n", ns, "-o", "json");
        var installed = Greeting();
        var upgrade = await new ControllerTestKit(fixture).HelmAsync("upgrade", "demo", RepoTools.Chart("demo"), "-n", ns, "--set", "greeting=bonjour");
        var upgraded = Greeting();
        var rollback = await new ControllerTestKit(fixture).HelmAsync("rollback", "demo", "1", "-n", ns);
        var rolledBack = Greeting();
        var history = await new ControllerTestKit(fixture).HelmAsync("history", "demo", "-n", ns, "-o", "json");
        var uninstall = await new ControllerTestKit(fixture).HelmAsync("uninstall", "demo", "-n", ns);

        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Contains("STATUS: deployed", install.Output);
        Assert.True(list.ExitCode == 0, list.Output);
        var release = Assert.Single(JsonNode.Parse(list.Output)!.AsArray());
        Assert.Equal("demo", (string?)release!["name"]);
        Assert.Equal("deployed", (string?)release["status"]);
        Assert.Equal("hello", installed);
        Assert.True(upgrade.ExitCode == 0, upgrade.Output);
        Assert.Contains("REVISION: 2", upgrade.Output);
        Assert.Equal("bonjour", upgraded);
        Assert.True(rollback.ExitCode == 0, rollback.Output);
        Assert.Equal("hello", rolledBack);
        Assert.True(history.ExitCode == 0, history.Output);
        Assert.Equal(["superseded", "superseded", "deployed"],
            JsonNode.Parse(history.Output)!.AsArray().Select(r => (string?)r!["status"]));
        Assert.True(uninstall.ExitCode == 0, uninstall.Output);
        Assert.Contains("release \"demo\" uninstalled", uninstall.Output);
        Assert.Equal(404, Assert.Throws<ApiError>(() => store.Get(configMaps, ns, "demo-demo")).Code);
        Assert.Empty(store.List(ObjectStore.Kind("Secret"), ns, LabelSelector.Parse("owner=helm"), _ => true)["items"]!.AsArray());
    }
}
