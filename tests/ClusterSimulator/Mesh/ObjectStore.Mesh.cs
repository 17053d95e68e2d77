using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The mesh's part of the store: sidecar injection on pod creation, and the calls probes made.</summary>
public sealed partial class ObjectStore
{
    /// <summary>The calls <see cref="CurlProbe"/> made, for the Prometheus the service proxy serves.</summary>
    public MeshTelemetry Telemetry { get; } = new();

    // Under the lock, before validation: the admission step Istio's mutating webhook is.
    private void InjectSidecar(JsonObject pod, string ns)
    {
        if (!MeshOptions.SidecarInjection)
        {
            return;
        }

        var configurations = _objects[Kind("MutatingWebhookConfiguration")].Values;
        var namespaceLabels = _objects[Kind("Namespace")].TryGetValue(Key(null, ns), out var namespaceObject)
            ? Labels(namespaceObject)
            : new Dictionary<string, string>();
        if (SidecarInjector.Selecting(configurations, namespaceLabels, Labels(pod)) is not { } configuration)
        {
            return;
        }

        var version = "latest";
        if (SidecarInjector.Injector(configuration) is var (injectorNs, injectorName)
            && _objects[Kind("Deployment")].TryGetValue(Key(injectorNs, injectorName), out var istiod))
        {
            version = SidecarInjector.VersionOf(istiod);
        }

        var revision = (string?)configuration["metadata"]?["labels"]?["istio.io/rev"] ?? "default";
        SidecarInjector.Inject(pod, version, revision);
    }
}
