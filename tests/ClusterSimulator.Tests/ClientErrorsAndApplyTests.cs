using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// What a user of the real clients sees: kubectl's own error lines for the simulator's Status answers, and
/// server-side apply through KubernetesClient, which is how the pipeline writes its resources.
/// </summary>
public sealed class ClientErrorsAndApplyTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    [Fact]
    public async Task Kubectl_prints_not_found_and_already_exists_as_it_does_for_a_real_server()
    {
        var ns = SimulatorFixture.UniqueName("errors");

        var created = await KubectlAsync("create", "namespace", ns);
        var again = await KubectlAsync("create", "namespace", ns);
        var missing = await KubectlAsync("get", "configmap", "absent", "-n", ns);
        var missingNamespace = await KubectlAsync("create", "configmap", "x", "-n", "no-such-namespace");

        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"Error from server (AlreadyExists): namespaces \"{ns}\" already exists", again.Output);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"absent\" not found", missing.Output);
        Assert.Equal(1, missingNamespace.ExitCode);
        Assert.Contains("error: failed to create configmap: namespaces \"no-such-namespace\" not found", missingNamespace.Output);
    }

    [Fact]
    public async Task KubernetesClient_server_side_apply_creates_then_updates_and_records_the_field_manager()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));
        var ns = SimulatorFixture.UniqueName("apply");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        V1Patch Desired(string mode) => new(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "mesh", NamespaceProperty = ns }, Data = new Dictionary<string, string> { ["mode"] = mode } },
            V1Patch.PatchType.ApplyPatch);

        var created = await client.CoreV1.PatchNamespacedConfigMapAsync(Desired("STRICT"), "mesh", ns, fieldManager: "mesh-build", force: true);
        var unchanged = await client.CoreV1.PatchNamespacedConfigMapAsync(Desired("STRICT"), "mesh", ns, fieldManager: "mesh-build", force: true);
        var updated = await client.CoreV1.PatchNamespacedConfigMapAsync(Desired("PERMISSIVE"), "mesh", ns, fieldManager: "mesh-build", force: true);
        var labelled = await client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=mesh");

        Assert.Equal("STRICT", created.Data["mode"]);
        Assert.Equal(created.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        Assert.Equal("PERMISSIVE", updated.Data["mode"]);
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        var entry = Assert.Single(updated.Metadata.ManagedFields);
        Assert.Equal("mesh-build", entry.Manager);
        Assert.Equal("Apply", entry.Operation);
        Assert.Equal("PERMISSIVE", Assert.Single(labelled.Items).Data["mode"]);
    }

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", NoEnvironment, ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, "kube-cache"), .. arguments]);
}
