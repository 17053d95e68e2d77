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
    public void Files_of_KUBECONFIG_that_do_not_exist_are_passed_over()
    {
        var file = _root.Write("b/config", TwoContexts);

        using var cluster = ClusterConnection.Open(null, "staging", Variable("a/none", "b/config"), _root.Path);

        Assert.Equal(new ClusterTarget(file, "staging", "https://127.0.0.1:6443"), cluster.Target);
    }

    [Fact]
    public void Several_files_are_merged_as_kubectl_merges_them_the_first_to_name_an_entry_winning()
    {
        _root.Write("a/config", TwoContexts);
        var second = _root.Write("b/config", """
            apiVersion: v1
            kind: Config
            current-context: staging
            clusters:
            - name: kind-mesh
              cluster: { server: "https://10.0.0.1:6443" }
            - name: lab
              cluster: { server: "https://10.0.0.2:6443" }
            users:
            - name: admin
              user: { token: xyz }
            contexts:
            - name: staging
              context: { cluster: lab, user: admin }
            - name: lab
              context: { cluster: lab, user: admin }
            """);

        // The first file sets no current context: the second's is taken, and so is its context "lab"...
        using var current = ClusterConnection.Open(null, null, Variable("a/config", "b/config"), _root.Path);
        using var lab = ClusterConnection.Open(null, "lab", Variable("a/config", "b/config"), _root.Path);

        // ...but "staging" and the cluster "kind-mesh" are the first file's, which named them first.
        Assert.Equal(new ClusterTarget(Path.Combine(_root.Path, "a/config"), "staging", "https://127.0.0.1:6443"), current.Target);
        Assert.Equal(new ClusterTarget(second, "lab", "https://10.0.0.2:6443"), lab.Target);
    }

    [Fact]
    public void A_relative_certificate_path_is_read_beside_the_file_that_names_it()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=kubernetes", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        _root.Write("b/certs/ca.crt", ca.ExportCertificatePem());
        _root.Write("a/config", TwoContexts);
        _root.Write("b/config", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: lab
              cluster: { server: "https://10.0.0.2:6443", certificate-authority: certs/ca.crt }
            users:
            - name: lab-admin
              user: { token: xyz }
            contexts:
            - name: lab
              context: { cluster: lab, user: lab-admin }
            """);

        using var cluster = ClusterConnection.Open(null, "lab", Variable("a/config", "b/config"), _root.Path);

        Assert.Equal("https://10.0.0.2:6443", cluster.Target.Server);
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

    private string Variable(params string[] files) => string.Join(Path.PathSeparator, files.Select(file => Path.Combine(_root.Path, file)));
}
