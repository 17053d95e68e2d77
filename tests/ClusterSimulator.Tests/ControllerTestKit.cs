namespace Mesh.ClusterSimulator.Tests;

/// <summary>kubectl and helm against one fixture's simulator, with manifests written to its scratch directory.</summary>
public sealed class ControllerTestKit(SimulatorFixture fixture)
{
    private string Scratch => Path.GetDirectoryName(fixture.KubeconfigPath)!;

    public Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", new Dictionary<string, string>(), ["--kubeconfig", fixture.KubeconfigPath, .. arguments]);

    public Task<(int ExitCode, string Output)> HelmAsync(params string[] arguments) =>
        RepoTools.RunAsync("helm", new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(Scratch, "helm", "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(Scratch, "helm", "config"),
            ["HELM_DATA_HOME"] = Path.Combine(Scratch, "helm", "data"),
        }, ["--kubeconfig", fixture.KubeconfigPath, .. arguments]);

    /// <summary>Creates a fresh namespace and answers its name.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        var ns = SimulatorFixture.UniqueName(prefix);
        var created = await KubectlAsync("create", "namespace", ns);
        Assert.True(created.ExitCode == 0, created.Output);
        return ns;
    }

    /// <summary><c>kubectl apply</c> of <paramref name="yaml"/> in <paramref name="ns"/>; fails the test when it fails.</summary>
    public async Task ApplyAsync(string ns, string yaml)
    {
        var file = Path.Combine(Scratch, $"{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var applied = await KubectlAsync("apply", "-n", ns, "-f", file);
        Assert.True(applied.ExitCode == 0, applied.Output);
    }

    public static string Deployment(string name, int replicas, string image = "nginx:1.27", string annotations = "{}") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
          annotations: {{annotations}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: {{name}}}
          template:
            metadata:
              labels: {app: {{name}}}
            spec:
              containers:
              - name: web
                image: {{image}}
                ports: [{name: http, containerPort: 8080}]
        """;
}
