using Cake.Core.IO;
using Cake.Core.Tooling;
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
    public void Kube_inject_returns_the_injected_manifest()
    {
        _processes.Answer("kube-inject", new FakeResponse(StandardOutput: "kind: Deployment\n"));

        var manifest = _istioctl.KubeInject(new FilePath("/repo/manifests/mailhog.yaml"), new IstioctlKubeInjectSettings { Revision = "canary", IstioNamespace = "istio-system" });

        Assert.Equal("kube-inject --istioNamespace istio-system -f \"/repo/manifests/mailhog.yaml\" --revision canary", Arguments);
        Assert.Equal("kind: Deployment", manifest);
    }

    [Fact]
    public void Kube_inject_is_aimed_at_the_configured_cluster()
    {
        _istioctl.KubeInject(new FilePath("/repo/manifests/mailhog.yaml"), new IstioctlKubeInjectSettings { KubeConfig = new FilePath("/tmp/kc"), Context = "kind-mesh" });

        Assert.Equal("kube-inject --kubeconfig \"/tmp/kc\" --context \"kind-mesh\" -f \"/repo/manifests/mailhog.yaml\"", Arguments);
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
        var line = IstioctlAliases.IstioctlMissing("the manual-injection example (istioctl kube-inject)");

        Assert.StartsWith("istioctl not found, skipping the manual-injection example (istioctl kube-inject).", line, StringComparison.Ordinal);
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
