using Mesh.Build.Istio;

namespace Mesh.Build.Catalog;

/// <summary>Every component the pipeline installs, in the order of the chain.</summary>
public static class Components
{
    // Istio publishes 1.31 only at its new release location (or its OCI registry); the old bucket stops at 1.30.
    private const string IstioCharts = "https://blob.istio.io/istio-release/charts";

    public static readonly Component ExternalDns = new(
        "external-dns", "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1", "external-dns", MeshLayout.ExternalDnsNamespace, "external-dns", EnabledWhen.DnsProvider);

    // istiod and base: istiod edits its webhooks (failurePolicy, caBundle) and the validator at run time.
    public static readonly Component Base = new("base", "base", IstioCharts, string.Empty, "istio-base", MeshLayout.IstioNamespace, null, ForceConflicts: true);

    public static readonly Component Istiod = new("istiod", "istiod", IstioCharts, string.Empty, "istiod", MeshLayout.IstioNamespace, "istiod", ForceConflicts: true, Revisioned: true);

    // The chart strips "istio-" from the release, so its pods carry istio: ingressgateway.
    public static readonly Component Gateway = new("gateway", "gateway", IstioCharts, string.Empty, "istio-ingressgateway", MeshLayout.GatewayNamespace, "istio-ingressgateway");

    // The version Istio 1.31 renders its addon from; the 29.x line is not yet checked with our values.
    public static readonly Component Prometheus = new(
        "prometheus", "prometheus", "https://prometheus-community.github.io/helm-charts", "28.13.0", "prometheus", MeshLayout.IstioNamespace, "prometheus", EnabledWhen.Dashboard);

    // The Grafana chart moved to the community repository in January 2026; the old one is frozen.
    // 11.6.1 is the last chart of Grafana 12 (12.4.3); charts 12 and 13 bring Grafana 13, not yet checked with our values.
    public static readonly Component Grafana = new(
        "grafana", "grafana", "https://grafana-community.github.io/helm-charts", "11.6.1", "grafana", MeshLayout.IstioNamespace, "grafana", EnabledWhen.Dashboard);

    // The newest kiali-server package in the repository's index (Kiali v2.29.0); Istio 1.31.1's addon is Kiali v2.31.0,
    // but no chart of that version could be shown published. The README's chart sources name the evidence.
    public static readonly Component Kiali = new(
        "kiali", "kiali-server", "https://kiali.org/helm-charts", "2.29.0", "kiali", MeshLayout.IstioNamespace, "kiali", EnabledWhen.Dashboard);

    // Jaeger v1 is end of life; the 4.x chart deploys Jaeger v2 (4.11.1, the newest in the repository's index: Jaeger 2.19.0).
    public static readonly Component Jaeger = new(
        "jaeger", "jaeger", "https://jaegertracing.github.io/helm-charts", "4.11.1", "jaeger", MeshLayout.IstioNamespace, "jaeger", EnabledWhen.Dashboard);

    public static readonly IReadOnlyList<Component> All = [ExternalDns, Base, Istiod, Gateway, Prometheus, Grafana, Kiali, Jaeger];

    public static Component ById(string id) =>
        All.FirstOrDefault(component => component.Id == id) ?? throw new ArgumentException($"No component is known by the id '{id}'.", nameof(id));
}
