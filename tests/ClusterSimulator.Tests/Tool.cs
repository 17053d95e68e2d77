namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The provisioned binaries in the repository's <c>tools/bin</c>. Tests that need one fail, not skip, when
/// it is missing: CI provisions them before running tests.
/// </summary>
public static class Tool
{
    public static string Require(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.slnx")))
            {
                var path = Path.Combine(directory.FullName, "tools", "bin", name);
                Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh --target=InstallTools");
                return path;
            }
        }

        Assert.Fail($"no Mesh.slnx above {AppContext.BaseDirectory}, so no tools/bin/{name}: run ./build.sh --target=InstallTools");
        return "";
    }
}
