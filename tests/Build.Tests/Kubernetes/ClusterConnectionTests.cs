using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Kubernetes;

/// <summary>What is wrong with a kubeconfig is said before any request, naming the file, the context and what to do.</summary>
public sealed class ClusterConnectionTests : IDisposable
{
    private readonly TempDirectory _root = new();

    private const string TwoContexts = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: kind-mesh
          cluster: { server: "https://127.0.0.1:6443" }
        users:
        - name: admin
          user: { token: abc }
        contexts:
        - name: kind-mesh
          context: { cluster: kind-mesh, user: admin }
        - name: staging
          context: { cluster: kind-mesh, user: admin }
        """;

    [Fact]
    public void With_no_kubeconfig_anywhere_it_says_where_it_looked()
    {
        var error = Assert.Throws<ClusterUnreachableException>(() => ClusterConnection.Open(null, null, null, _root.Path));

        Assert.StartsWith($"No kubeconfig: {Path.Combine(_root.Path, ".kube", "config")} does not exist and $KUBECONFIG is not set.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_existing_file_of_KUBECONFIG_is_read()
    {
        var file = _root.Write("b/config", TwoContexts);

        using var cluster = ClusterConnection.Open(null, "staging", $"{Path.Combine(_root.Path, "a/none")}{Path.PathSeparator}{file}", _root.Path);

        Assert.Equal(new ClusterTarget(file, "staging", "https://127.0.0.1:6443"), cluster.Target);
    }

    [Fact]
    public void Without_a_current_context_it_lists_the_contexts_to_choose_from()
    {
        var file = _root.Write("config", TwoContexts);

        var error = Assert.Throws<ClusterUnreachableException>(() => ClusterConnection.Open(file, null, null, _root.Path));

        Assert.Contains("has no current context and the context setting is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("defined: kind-mesh, staging", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_kubeconfig_is_named()
    {
        var file = _root.Write("config", "clusters: [unclosed");

        var error = Assert.Throws<ClusterUnreachableException>(() => ClusterConnection.Open(file, "kind-mesh", null, _root.Path));

        Assert.StartsWith($"The kubeconfig {file} cannot be read:", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Dispose();
}
