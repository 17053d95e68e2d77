using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Tests.Tools.Helm;

public sealed class HelmParsingTests
{
    [Theory]
    [InlineData("v4.1.4", 4, 1, 4)]
    [InlineData("v4.1.4\n", 4, 1, 4)]
    [InlineData("v3.18.0+gcc58e3f", 3, 18, 0)]
    [InlineData("v4.1.4+g05fa379", 4, 1, 4)]
    [InlineData("version.BuildInfo{Version:\"v3.18.0\", GitCommit:\"cc58e3f5a3aa615c6a86275e6f4444b5fdd3cc4e\", GitTreeState:\"clean\", GoVersion:\"go1.24.3\"}", 3, 18, 0)]
    public void Parses_real_helm_version_outputs(string output, int major, int minor, int patch)
    {
        Assert.Equal(new ToolVersion(major, minor, patch), HelmVersionDetector.Parse(output));
    }

    [Fact]
    public void Rejects_output_without_a_version()
    {
        Assert.Throws<FormatException>(() => HelmVersionDetector.Parse("Error: unknown flag: --template"));
    }
}
