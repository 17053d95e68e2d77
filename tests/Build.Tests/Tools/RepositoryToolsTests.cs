using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Kubectl;
using Path = System.IO.Path;

namespace Mesh.Build.Tests.Tools;

public sealed class RepositoryToolsTests
{
    [Fact]
    public void Registers_only_the_tools_present_in_tools_bin()
    {
        var root = Path.Combine(Path.GetTempPath(), "mesh-repo-tools", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "tools", "bin"));
        File.WriteAllText(Path.Combine(root, "tools", "bin", "helm"), string.Empty);
        var locator = new FakeToolLocator();
        var context = new TestCakeContext(new FakeProcessRunner(), new FakeLog(), locator);

        var registered = RepositoryTools.Register(context, new DirectoryPath(root));

        Assert.Equal([Path.Combine(root, "tools", "bin", "helm")], registered.Select(path => path.FullPath));
        Assert.Equal(registered, locator.Registered);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_missing_tool_says_how_to_get_it()
    {
        var context = new TestCakeContext(new FakeProcessRunner(), new FakeLog(), new NothingLocator());

        var error = Assert.Throws<CakeException>(() => context.KubectlVersion());

        Assert.Equal("kubectl was not found in tools/bin or on PATH. Run the InstallTools target, or install kubectl 1.33 or later.", error.Message);
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
