using Mesh.Build.Hosting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tests;

/// <summary>The README is the user's manual: it must name every setting with its default, and every target.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "README.md"));

    [Fact]
    public void Every_setting_has_a_row_with_its_variable_and_default()
    {
        var missing = SettingsCatalog.All
            .Where(setting => !Readme.Contains($"| `{setting.Key}` | `{setting.EnvironmentVariable}` | {(setting.Default.Length > 0 ? $"`{setting.Default}`" : "—")} |"))
            .Select(setting => setting.Key)
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_target_is_documented()
    {
        var catalog = TaskCatalog.Discover([typeof(Pipeline).Assembly]);

        Assert.All(catalog.Tasks, task => Assert.Contains($"| `{task.Name}`", Readme));
    }
}
