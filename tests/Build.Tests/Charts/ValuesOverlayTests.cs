using System.Text.Json.Nodes;
using Mesh.Build.Charts;
using Mesh.Build.Tests.Hosting;

namespace Mesh.Build.Tests.Charts;

public sealed class ValuesOverlayTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Maps_merge_key_by_key_and_the_overlay_wins_elsewhere()
    {
        var ours = JsonNode.Parse("""{"global":{"hub":"docker.io/istio","istioNamespace":"istio-system"},"pilot":{"env":["a"]},"keep":1}""")!.AsObject();
        var theirs = JsonNode.Parse("""{"global":{"hub":"registry.example/istio"},"pilot":{"env":["b"]},"extra":true}""")!.AsObject();

        var merged = ValuesOverlay.Merge(ours, theirs);

        Assert.Equal("""{"global":{"hub":"registry.example/istio","istioNamespace":"istio-system"},"pilot":{"env":["b"]},"keep":1,"extra":true}""", merged.ToJsonString());
        Assert.Equal("docker.io/istio", (string?)ours["global"]!["hub"]);
    }

    [Fact]
    public void Print_settings_shows_the_values_file_and_a_file_that_is_not_a_mapping_is_bad_input()
    {
        var values = _root.Write("istiod-values.yaml", "global:\n  hub: registry.example/istio\n");
        var notMapping = _root.Write("list.yaml", "- a\n- b\n");

        var shown = PipelineRun.Start(_root, $"--istiod-values={values}", "--print-settings");
        var bad = PipelineRun.Start(_root, $"--grafana-values={notMapping}", "--dryrun");

        Assert.Equal(0, shown.ExitCode);
        Assert.Matches($@"istiod-values\s+{System.Text.RegularExpressions.Regex.Escape(values)}\s+--istiod-values", shown.Output);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"grafana-values (from --grafana-values): '{notMapping}' must hold one YAML mapping of chart values.", bad.Error, StringComparison.Ordinal);
    }
}
