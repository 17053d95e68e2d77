using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>A user's values file for one chart (base-values), merged over ours, as helm sees the release afterwards.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ValuesOverlayTests
{
    [Fact]
    public async Task A_values_file_is_merged_over_ours_and_a_second_run_with_it_changes_nothing()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var file = Path.Combine(mesh.WorkingDirectory, "base-values.yaml");
        File.WriteAllText(file, "global:\n  hub: registry.example/istio\n");

        var first = mesh.Run("--target=InstallIstioInit", $"--base-values={file}");
        var second = mesh.Run("--target=InstallIstioInit", $"--base-values={file}");

        Assert.True(first.ExitCode == 0, first.ToString());
        var values = JsonNode.Parse(mesh.Helm("get", "values", "istio-base", "-n", "istio-system", "-o", "json"))!;
        Assert.Equal("registry.example/istio", (string?)values["global"]!["hub"]);
        Assert.Equal("istio-system", (string?)values["global"]!["istioNamespace"]);
        Assert.Contains($"istio-system/istio-base: values of {file} merged over ours", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("istio-system/istio-base: already right", second.Output, StringComparison.Ordinal);
    }
}
