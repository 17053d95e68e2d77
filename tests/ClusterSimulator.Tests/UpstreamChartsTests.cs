namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The published charts our pipeline installs (<c>../shared/upstream-charts</c> next to the repository),
/// installed as they are by the real helm 4 on one simulated server: every object they render must be
/// accepted (server-side apply with <c>fieldValidation=Strict</c>), be ready as helm's watcher judges it
/// (<c>--wait</c>, as the pipeline installs them), and then be listed by the real kubectl.
/// </summary>
public sealed class UpstreamChartsTests(UpstreamChartsTests.Cluster cluster) : IClassFixture<UpstreamChartsTests.Cluster>
{
    public static readonly TheoryData<string, string, string> Charts = new()
    {
        { "base", "base-1.30.3.tgz", "istio-system" },
        { "istiod", "istiod-1.30.3.tgz", "istio-system" },
        { "gateway", "gateway-1.30.3.tgz", "istio-ingress" },
        { "kiali", "kiali-server-2.29.0.tgz", "istio-system" },
        { "grafana", "grafana-11.6.1.tgz", "monitoring" },
        { "jaeger", "jaeger-4.11.1.tgz", "tracing" },
        { "prometheus", "prometheus-28.13.0.tgz", "monitoring" },
        { "external-dns", "external-dns-1.21.1.tgz", "external-dns" },
    };

    [UpstreamChartsTheory]
    [MemberData(nameof(Charts))]
    public async Task A_published_chart_installs_and_kubectl_lists_its_objects(string release, string chart, string ns)
    {
        if (release is "istiod" or "gateway")
        {
            // Istio's charts need base's CRDs and cluster resources first, as on a real cluster.
            var installedBase = await cluster.BaseAsync();
            Assert.True(installedBase.ExitCode == 0, installedBase.Output);
        }

        var install = release == "base"
            ? await cluster.BaseAsync()
            : await cluster.Kit.HelmAsync("install", release, Path.Combine(UpstreamChartsTheoryAttribute.Directory, chart), "-n", ns, "--create-namespace", "--wait", "--timeout", "25s");
        var manifest = await cluster.Kit.HelmAsync("get", "manifest", release, "-n", ns);
        var file = Path.Combine(cluster.Scratch, $"{release}.yaml");
        await File.WriteAllTextAsync(file, manifest.Output);
        var listed = await cluster.Kit.KubectlAsync("get", "-f", file, "-n", ns, "-o", "name");

        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Contains("STATUS: deployed", install.Output);
        Assert.DoesNotContain("Warning:", install.Output);
        Assert.True(manifest.ExitCode == 0, manifest.Output);
        Assert.True(listed.ExitCode == 0, listed.Output);
        var names = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(manifest.Output.Split('\n').Count(line => line.StartsWith("kind: ", StringComparison.Ordinal)), names.Length);
        Assert.Null(cluster.Simulator.Cluster.ControllerError);
    }

    /// <summary>One simulated server for all the charts, with base installed once for the Istio charts that need it.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private Task<(int ExitCode, string Output)>? _base;

        public SimulatorFixture Simulator { get; } = new();

        public ControllerTestKit Kit => new(Simulator);

        public string Scratch => Path.GetDirectoryName(Simulator.KubeconfigPath)!;

        public Task<(int ExitCode, string Output)> BaseAsync() =>
            _base ??= Kit.HelmAsync("install", "base", Path.Combine(UpstreamChartsTheoryAttribute.Directory, "base-1.30.3.tgz"), "-n", "istio-system", "--create-namespace", "--wait", "--timeout", "25s");

        public Task InitializeAsync() => Simulator.InitializeAsync();

        public Task DisposeAsync() => Simulator.DisposeAsync();
    }
}

/// <summary>A theory over the published charts; skipped, saying why, where they are not next to the repository.</summary>
public sealed class UpstreamChartsTheoryAttribute : TheoryAttribute
{
    public static string Directory => Path.GetFullPath(Path.Combine(RepoTools.Root(), "..", "shared", "upstream-charts"));

    public UpstreamChartsTheoryAttribute()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            Skip = $"the published charts are not at {Directory} (../shared/upstream-charts next to the repository)";
        }
    }
}
