namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: bad input through the real host with a simulated cluster at hand: each case's message and exit code
/// (2 for settings, 3 for a cluster that cannot be used), and not one mutating request reaches the cluster.
/// tests/Build.Tests/Settings/BadInputTests.cs holds 21 more exit-2 cases without a cluster.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class BadInputCorpusTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;
    private string _scratch = null!;

    public static TheoryData<string, int, string> Cases => new()
    {
        // Settings (exit 2): nothing is asked of the cluster.
        { "unknown-target", 2, "Nope" },
        { "yaml-malformed", 2, "mesh.yaml: not valid YAML" },
        { "yaml-unknown-key", 2, "istio-verison" },
        { "yaml-wrong-type", 2, "mtls-mode" },
        { "version-short", 2, "istio-version (from --istio-version): '1.31' is not a semantic version such as 1.31.1." },
        { "host-bad", 2, "domain (from --domain): '-mesh-.example.com' is not a DNS name" },
        { "lock-timeout-bad", 2, "lock-timeout (from --lock-timeout): 'forever' is not a duration such as 90s, 5m or 1h30m." },
        { "gateway-type-bad", 2, "gateway-service-type" },

        // The cluster (exit 3): the first request at most, never a write.
        { "kubeconfig-malformed", 3, "cannot be read" },
        { "kubeconfig-empty", 3, "cannot be read" },
        { "context-unknown", 3, "The context 'nope' (context setting) is not in the kubeconfig" },
        { "no-current-context", 3, "has no current context and the context setting is empty" },
        { "unreachable", 3, "Cannot reach the API server of" },
        { "token-wrong", 3, "rejected the credentials (401 Unauthorized)" },
        { "token-without-rights", 3, "accepted the credentials but refused them to list namespaces (403 Forbidden)" },
    };

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _scratch = Directory.CreateTempSubdirectory("mesh-bad-input-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _mesh.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_fails_with_its_message_and_exit_code_and_writes_nothing_to_the_cluster(string name, int exitCode, string expected)
    {
        var before = _mesh.Cluster.Requests.Records.Count;

        var run = _mesh.Run([.. Arguments(name), "--target=InstallIstioInit"]);
        var requests = _mesh.Cluster.Requests.Records.Skip(before).ToList();

        Assert.True(run.ExitCode == exitCode, $"{name}: {run}");
        Assert.True(run.Output.Contains(expected, StringComparison.Ordinal), $"{name}: expected \"{expected}\" in {run}");
        Assert.Empty(run.Writes);
        Assert.Empty(run.LeaseWrites);
        if (exitCode == 2)
        {
            Assert.Empty(requests);
        }
    }

    private string[] Arguments(string name)
    {
        var kubeconfig = File.ReadAllText(_mesh.Kubeconfig);
        string Write(string file, string text)
        {
            var path = Path.Combine(_scratch, $"{name}-{file}");
            File.WriteAllText(path, text);
            return path;
        }

        return name switch
        {
            "unknown-target" => ["--target=Nope"],
            "yaml-malformed" => [$"--config={Write("mesh.yaml", "istio-version: [1.31.1\nmtls-mode: STRICT\n")}"],
            "yaml-unknown-key" => [$"--config={Write("mesh.yaml", "istio-verison: 1.31.1\n")}"],
            "yaml-wrong-type" => [$"--config={Write("mesh.yaml", "mtls-mode:\n  strict: true\n")}"],
            "version-short" => ["--istio-version=1.31"],
            "host-bad" => ["--domain=-mesh-.example.com"],
            "lock-timeout-bad" => ["--lock-timeout=forever"],
            "gateway-type-bad" => ["--gateway-service-type=ExternalName"],
            "kubeconfig-malformed" => [$"--kubeconfig={Write("kubeconfig", "clusters: [ {name: x\n")}"],
            "kubeconfig-empty" => [$"--kubeconfig={Write("kubeconfig", "")}"],
            "context-unknown" => ["--context=nope"],
            "no-current-context" => [$"--kubeconfig={Write("kubeconfig", kubeconfig.Replace("current-context:", "# current-context:", StringComparison.Ordinal))}"],
            "unreachable" => [$"--kubeconfig={Write("kubeconfig", kubeconfig.Replace(_mesh.Cluster.Url, "https://127.0.0.1:9", StringComparison.Ordinal))}"],
            "token-wrong" => [$"--kubeconfig={Write("kubeconfig", kubeconfig.Replace(_mesh.Cluster.Token, "not-the-token", StringComparison.Ordinal))}"],
            "token-without-rights" => [$"--kubeconfig={Write("kubeconfig", kubeconfig.Replace(_mesh.Cluster.Token, _mesh.Cluster.UnprivilegedToken, StringComparison.Ordinal))}"],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
        };
    }
}
