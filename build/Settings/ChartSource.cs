using Mesh.Build.Catalog;

namespace Mesh.Build.Settings;

/// <summary>
/// Where a chart comes from in this run: its component's defaults (<see cref="Components"/>) as the settings
/// <c>ID-chart-repo</c> and <c>ID-chart-version</c> leave them; <c>chart-dir</c> takes them all from disk.
/// </summary>
/// <param name="Id">the component's id, the prefix of the chart's settings, e.g. <c>istiod</c>.</param>
/// <param name="Chart">the chart's name in its repository.</param>
/// <param name="Repository">the repository (an https URL or an oci:// reference).</param>
/// <param name="Version">the version; empty in the defaults of Istio's charts, which follow <c>istio-version</c>.</param>
public sealed record ChartSource(string Id, string Chart, string Repository, string Version)
{
    public static readonly IReadOnlyList<ChartSource> Defaults =
        [.. Components.All.Select(component => new ChartSource(component.Id, component.Chart, component.Repository, component.Version))];
}
