using Mesh.Build.Tools;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tests.Tools.Kubectl;

public sealed class KubectlTests
{
    // Real output of `kubectl version --client -o json` from the pinned kubectl.
    private const string ClientVersionJson = """
        {
          "clientVersion": {
            "major": "1",
            "minor": "35",
            "gitVersion": "v1.35.2",
            "gitCommit": "fdc9d74cbf2da6754ebf81d56f80ae2948cd6425",
            "gitTreeState": "clean",
            "buildDate": "2026-02-26T20:05:34Z",
            "goVersion": "go1.25.7",
            "compiler": "gc",
            "platform": "linux/amd64"
          },
          "kustomizeVersion": "v5.7.1"
        }
        """;

    private const string ClientAndServerVersionJson = """
        {"clientVersion":{"major":"1","minor":"32+","gitVersion":"v1.32.4-dispatcher","platform":"linux/amd64"},
         "kustomizeVersion":"v5.5.0",
         "serverVersion":{"major":"1","minor":"34","gitVersion":"v1.34.1","platform":"linux/amd64"}}
        """;

    private readonly FakeProcessRunner _processes = new();
    private readonly KubectlRunner _kubectl;

    public KubectlTests()
    {
        var context = new TestCakeContext(_processes, new FakeLog(), new FakeToolLocator());
        _kubectl = new KubectlRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }

    private string Arguments => _processes.Last.Arguments;

    [Fact]
    public void Client_version_parses_real_output()
    {
        _processes.Answer("version", new FakeResponse(StandardOutput: ClientVersionJson));

        var version = _kubectl.Version(new KubectlVersionSettings { ClientOnly = true });

        Assert.Equal("version --client -o json", Arguments);
        Assert.Equal(new ToolVersion(1, 35, 2), version.Client);
        Assert.Equal("v1.35.2", version.ClientGitVersion);
        Assert.Null(version.Server);
    }

    [Fact]
    public void Server_version_is_read_from_git_version_not_the_decorated_minor()
    {
        _processes.Answer("version", new FakeResponse(StandardOutput: ClientAndServerVersionJson));

        var version = _kubectl.Version(new KubectlVersionSettings());

        Assert.Equal("version -o json", Arguments);
        Assert.Equal(new ToolVersion(1, 32, 4), version.Client);
        Assert.Equal(new ToolVersion(1, 34, 1), version.Server);
    }

    [Fact]
    public void Aliases_run_through_the_context()
    {
        var context = new TestCakeContext(_processes, new FakeLog(), new FakeToolLocator());
        _processes.Answer("version", new FakeResponse(StandardOutput: ClientVersionJson));

        var version = context.KubectlVersion(new KubectlVersionSettings { ClientOnly = true });

        Assert.Equal("version --client -o json", Arguments);
        Assert.Equal(new ToolVersion(1, 35, 2), version.Client);
        Assert.EndsWith("/kubectl", _processes.Last.Path.FullPath, StringComparison.Ordinal);
    }
}
