using Cake.Core.IO;
using Cake.Core.Tooling;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Istioctl;

namespace Mesh.Build.Tests.Tools.Istioctl;

public sealed class IstioctlTests
{
    private readonly FakeProcessRunner _processes = new();
    private readonly TestCakeContext _context;
    private readonly IstioctlRunner _istioctl;

    public IstioctlTests()
    {
        _context = new TestCakeContext(_processes, new FakeLog(), new FakeToolLocator());
        _istioctl = new IstioctlRunner(_context.FileSystem, _context.Environment, _context.ProcessRunner, _context.Tools, _context.Log);
    }

    private string Arguments => _processes.Last.Arguments;

    [Fact]
    public void Version_does_not_need_a_cluster_by_default()
    {
        _processes.Answer("version", new FakeResponse(StandardOutput: "client version: 1.31.1\n"));

        var output = _istioctl.Version(new IstioctlVersionSettings());

        Assert.Equal("version --remote=false", Arguments);
        Assert.Equal(new ToolVersion(1, 31, 1), ToolVersion.Parse(output.Text));
    }

    [Fact]
    public void Analyze_all_namespaces_with_threshold()
    {
        _istioctl.Analyze(new IstioctlAnalyzeSettings { Context = "kind-mesh", AllNamespaces = true, FailureThreshold = "Warning" });

        Assert.Equal("analyze --context \"kind-mesh\" --all-namespaces --failure-threshold Warning", Arguments);
    }

    [Fact]
    public void Analyze_files_only_and_report_findings_from_stdout_on_failure()
    {
        _processes.Answer("analyze", new FakeResponse(79, StandardOutput: "Error [IST0101] (Gateway istio-system/mesh) Referenced credential not found: \"gateway-tls\""));
        var settings = new IstioctlAnalyzeSettings { UseKube = false, Namespace = "istio-system" };
        settings.Files.Add(new FilePath("/repo/manifests/gateway.yaml"));

        var error = Assert.Throws<ToolCommandException>(() => _istioctl.Analyze(settings));

        Assert.Equal("analyze \"/repo/manifests/gateway.yaml\" --namespace istio-system --use-kube=false", Arguments);
        Assert.Equal(79, error.ExitCode);
        Assert.Contains("IST0101", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kube_inject_returns_the_injected_manifest()
    {
        _processes.Answer("kube-inject", new FakeResponse(StandardOutput: "kind: Deployment\n"));

        var manifest = _istioctl.KubeInject(new FilePath("/repo/manifests/mailhog.yaml"), new IstioctlKubeInjectSettings { Revision = "canary", IstioNamespace = "istio-system" });

        Assert.Equal("kube-inject --istioNamespace istio-system -f \"/repo/manifests/mailhog.yaml\" --revision canary", Arguments);
        Assert.Equal("kind: Deployment", manifest);
    }

    [Fact]
    public void Describe_pod()
    {
        _istioctl.DescribePod("mailhog-7c9d8b7f5-x2kqz", new IstioctlSettings { Namespace = "mailhog", KubeConfig = new FilePath("/tmp/kc") });

        Assert.Equal("x describe pod mailhog-7c9d8b7f5-x2kqz --kubeconfig \"/tmp/kc\" --namespace mailhog", Arguments);
    }

    [Fact]
    public void Availability_follows_the_tool_locator()
    {
        Assert.True(_context.IstioctlIsAvailable());

        var empty = new TestCakeContext(_processes, new FakeLog(), new NothingLocator());
        Assert.False(empty.IstioctlIsAvailable());
        Assert.Null(empty.IstioctlPath());
    }

    [Fact]
    public void The_missing_line_says_what_is_skipped_and_how_to_install()
    {
        var line = IstioctlAliases.IstioctlMissing("istioctl analyze");

        Assert.StartsWith("istioctl not found, skipping istioctl analyze.", line, StringComparison.Ordinal);
        Assert.Contains("downloadIstio", line, StringComparison.Ordinal);
        Assert.Contains("releases", line, StringComparison.Ordinal);
    }

    private sealed class NothingLocator : IToolLocator
    {
        public void RegisterFile(FilePath path)
        {
        }

        public FilePath Resolve(string tool) => null!;

        public FilePath Resolve(IEnumerable<string> toolExeNames) => null!;
    }
}
