namespace Mesh.Build.Settings;

/// <summary>
/// Where a chart comes from by default. Every field can be overridden by the settings
/// <c>ID-chart-repo</c> and <c>ID-chart-version</c>, and <c>chart-dir</c> takes them all from disk.
/// </summary>
/// <param name="Id">the prefix of the chart's settings, e.g. <c>istiod</c>.</param>
/// <param name="Chart">the chart's name in its repository.</param>
/// <param name="Repository">the official repository (an https URL or an oci:// reference).</param>
/// <param name="Version">the pinned version; empty for Istio's charts, which follow <c>istio-version</c>.</param>
public sealed record ChartSource(string Id, string Chart, string Repository, string Version)
{
    // Istio publishes 1.31 only at its new release location (or its OCI registry); the old bucket stops at 1.30.
    private const string IstioCharts = "https://blob.istio.io/istio-release/charts";

    public static readonly IReadOnlyList<ChartSource> Defaults =
    [
        new("base", "base", IstioCharts, string.Empty),
        new("istiod", "istiod", IstioCharts, string.Empty),
        new("gateway", "gateway", IstioCharts, string.Empty),
        new("external-dns", "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1"),
        // The version Istio 1.31 renders its addon from; the 29.x line is not yet checked with our values.
        new("prometheus", "prometheus", "https://prometheus-community.github.io/helm-charts", "28.13.0"),
        // The Grafana chart moved to the community repository in January 2026; the old one is frozen.
        // 11.6.1 is the last chart of Grafana 12 (12.4.3); charts 12 and 13 bring Grafana 13, not yet checked with our values.
        new("grafana", "grafana", "https://grafana-community.github.io/helm-charts", "11.6.1"),
        // The newest kiali-server package in the repository's index (Kiali v2.29.0); Istio 1.31.1's addon is Kiali v2.31.0,
        // but no chart of that version could be shown published. The README's chart sources name the evidence.
        new("kiali", "kiali-server", "https://kiali.org/helm-charts", "2.29.0"),
        // Jaeger v1 is end of life; the 4.x chart deploys Jaeger v2 (4.11.1, the newest in the repository's index: Jaeger 2.19.0).
        new("jaeger", "jaeger", "https://jaegertracing.github.io/helm-charts", "4.11.1"),
    ];
}
