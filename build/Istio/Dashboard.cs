using Mesh.Build.Catalog;
using Mesh.Build.Settings;

namespace Mesh.Build.Istio;

/// <summary>
/// One of the dashboards: its component (chart, release, Deployment), the Service and path its health check is
/// asked through, and where a user opens it.
/// </summary>
public sealed record Dashboard(
    string Id,
    string Title,
    string Service,
    int UiPort,
    int HealthPort,
    string HealthPath)
{
    /// <summary>What installs it: chart, release, namespace, Deployment.</summary>
    public Component Component => Components.ById(Id);

    /// <summary>By id (the <c>dashboards</c> setting's names), in the order they are installed and listed.</summary>
    public static readonly IReadOnlyList<Dashboard> All =
    [
        // Named prometheus on 9090 by our values (server.fullnameOverride, servicePort), as Istio's addon is.
        new("prometheus", "Prometheus", "prometheus", 9090, 9090, "/-/ready"),
        new("grafana", "Grafana", "grafana", 3000, 3000, "/api/health"),
        new("kiali", "Kiali", "kiali", 20001, 20001, "/kiali/healthz"),
        // Jaeger v2's health check extension; our values add its port 13133 to the Service.
        new("jaeger", "Jaeger", "jaeger", 16686, 13133, "/status"),
    ];

    /// <summary>The dashboards the <c>dashboards</c> setting switches on, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<Dashboard> Enabled(MeshSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. All.Where(dashboard => settings.Dashboards.Contains(dashboard.Id))];
    }

    /// <summary>The Service that receives Istio's traces (OTLP gRPC, port 4317): the chart's one Service, not Istio's demo jaeger-collector.</summary>
    public const string JaegerCollectorService = "jaeger";

    /// <summary>Where its UI lives on its port: Kiali under /kiali/, the others at the root.</summary>
    public string UiPath => Id == "kiali" ? "/kiali/" : "/";

    /// <summary>Its address on a laptop once <see cref="PortForward"/> runs.</summary>
    public string LocalAddress => $"http://localhost:{UiPort}{UiPath}";

    /// <summary>What a user runs to open it from a laptop.</summary>
    public string PortForward => $"kubectl port-forward -n {MeshLayout.IstioNamespace} svc/{Service} {UiPort}:{UiPort}";
}
