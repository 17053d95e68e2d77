namespace Mesh.EndToEnd.Tests;

/// <summary>A chart-dir of its own, holding some of the fixture charts, each as it is or rewritten.</summary>
public sealed class TempCharts : IDisposable
{
    public TempCharts(params string[] charts)
    {
        foreach (var chart in charts)
        {
            Add(chart);
        }
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("mesh-chart-dir-").FullName;

    /// <summary>Copies the fixture chart <paramref name="chart"/> in, each file's text passed through <paramref name="rewrite"/>.</summary>
    public TempCharts Add(string chart, Func<string, string>? rewrite = null)
    {
        SimulatedMesh.CopyFixtureChart(chart, System.IO.Path.Combine(Path, chart), rewrite);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
