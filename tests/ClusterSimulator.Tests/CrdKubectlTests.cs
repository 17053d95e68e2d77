using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The real kubectl from the repository's <c>tools/bin</c> against a CustomResourceDefinition shaped like
/// Istio's PeerAuthentication: what a user sees while defining, using, breaking and deleting it.
/// </summary>
public sealed class CrdKubectlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private string Directory => Path.GetDirectoryName(fixture.KubeconfigPath)!;

    [Fact]
    public async Task A_definition_is_established_listed_used_validated_and_withdrawn()
    {
        var ns = SimulatorFixture.UniqueName("pa");
        fixture.Cluster.Store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });

        var define = await KubectlAsync("apply", "--server-side", "-f", await FileAsync("crd.yaml", PeerAuthenticationCrd.Yaml));
        var wait = await KubectlAsync("wait", "--for=condition=Established", "--timeout=10s", $"crd/{PeerAuthenticationCrd.Name}");
        var resources = await KubectlAsync("api-resources", "--api-group=security.istio.io");
        var apply = await KubectlAsync("apply", "--server-side", "-f", await FileAsync("valid.yaml", PeerAuthenticationCrd.Policy("default", ns, "STRICT")));
        var list = await KubectlAsync("get", "peerauthentications", "-A", "-o", "json");
        var byShortName = await KubectlAsync("get", "pa", "-n", ns, "-o", "name");

        Assert.True(define.ExitCode == 0, define.Output);
        Assert.True(wait.ExitCode == 0, wait.Output);
        Assert.Contains($"customresourcedefinition.apiextensions.k8s.io/{PeerAuthenticationCrd.Name} condition met", wait.Output);
        Assert.True(resources.ExitCode == 0, resources.Output);
        Assert.Matches(@"peerauthentications\s+pa\s+security\.istio\.io/v1\s+true\s+PeerAuthentication", resources.Output);
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("peerauthentication.security.istio.io/default serverside-applied", apply.Output);
        Assert.True(list.ExitCode == 0, list.Output);
        var item = Assert.Single(JsonNode.Parse(list.Output)!["items"]!.AsArray(), i => (string?)i!["metadata"]!["namespace"] == ns)!;
        Assert.Equal("STRICT", (string?)item["spec"]!["mtls"]!["mode"]);
        Assert.Equal("DISABLE", (string?)item["spec"]!["portLevelMtls"]!["8080"]!["mode"]);
        Assert.Equal($"peerauthentication.security.istio.io/default", byShortName.Output.Trim());

        var invalid = await KubectlAsync("apply", "--server-side", "-f", await FileAsync("invalid.yaml", PeerAuthenticationCrd.Policy("loose", ns, "LOOSE")));
        var unknown = await KubectlAsync("create", "-f", await FileAsync("unknown.yaml", PeerAuthenticationCrd.Policy("extra", ns, "STRICT", "  foo: bar")));
        var unknownApplied = await KubectlAsync("apply", "--server-side", "-f", Path.Combine(Directory, "unknown.yaml"));

        Assert.NotEqual(0, invalid.ExitCode);
        // kubectl words a 422 from its details (kind, name, causes), not from the Status message.
        Assert.Contains(
            "The PeerAuthentication \"loose\" is invalid: spec.mtls.mode: Unsupported value: \"LOOSE\": supported values: \"UNSET\", \"DISABLE\", \"PERMISSIVE\", \"STRICT\"",
            invalid.Output);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.foo\"", unknown.Output);
        Assert.NotEqual(0, unknownApplied.ExitCode);
        Assert.Contains(".spec.foo: field not declared in schema", unknownApplied.Output);

        var delete = await KubectlAsync("delete", "crd", PeerAuthenticationCrd.Name);
        // A fresh discovery cache: kubectl trusts its cached discovery for hours, and with the stale one
        // it lists, gets 404 and says "Unable to list", as it would against a real server.
        var gone = await RepoTools.RunAsync("kubectl", NoEnvironment, ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(Directory, "fresh-cache"), "get", "peerauthentications", "-A"]);

        Assert.True(delete.ExitCode == 0, delete.Output);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"peerauthentications\"", gone.Output);
    }

    private async Task<string> FileAsync(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", NoEnvironment, ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(Directory, "kube-cache"), .. arguments]);

    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

}
