using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>The mesh's part of the store: the mutating admission of pods (istiod's injection), and the calls probes made.</summary>
public sealed partial class ObjectStore
{
    /// <summary>The calls <see cref="CurlProbe"/> made, for the Prometheus the service proxy serves.</summary>
    public MeshTelemetry Telemetry { get; } = new();

    // Under the lock, before validation: mutating admission, as the API server calls webhooks for a pod's
    // CREATE. The simulator can be only istiod: a webhook whose Service is served by an istiod pod on an
    // /inject path injects; another reachable webhook admits the pod unchanged.
    private void InjectSidecar(JsonObject pod, string ns)
    {
        if (!MeshOptions.SidecarInjection)
        {
            return;
        }

        var namespaceLabels = _objects[Kind("Namespace")].TryGetValue(Key(null, ns), out var namespaceObject)
            ? Labels(namespaceObject)
            : new Dictionary<string, string>();
        var called = MutatingWebhooks.Called(
            _objects[Kind("MutatingWebhookConfiguration")].Values, "CREATE", "", "v1", "pods", namespaceLabels, () => Labels(pod));
        foreach (var (_, webhook) in called)
        {
            var (server, why) = WebhookServer(webhook);
            if (server is null)
            {
                if (MutatingWebhooks.FailsClosed(webhook))
                {
                    throw MutatingWebhooks.CallFailed(webhook, why);
                }

                continue;
            }

            var path = (string?)webhook["clientConfig"]?["service"]?["path"] ?? "";
            if (SidecarInjector.Discovery(server) is not null && path.StartsWith("/inject", StringComparison.Ordinal))
            {
                SidecarInjector.Inject(pod, SidecarInjector.InjectorOf(server));
            }
        }
    }

    // The Ready pod behind a webhook's clientConfig.service, or why the API server could not call it.
    private (JsonObject? Pod, string Why) WebhookServer(JsonObject webhook)
    {
        if (webhook["clientConfig"]?["service"] is not JsonObject reference)
        {
            return (null, "no such host (the simulator reaches webhooks only through Services)");
        }

        var serviceNs = (string?)reference["namespace"] ?? "";
        var serviceName = (string?)reference["name"] ?? "";
        if (!_objects[Kind("Service")].TryGetValue(Key(serviceNs, serviceName), out var service))
        {
            return (null, $"service \"{serviceName}\" not found");
        }

        return Endpoints.Ready(this, service).FirstOrDefault() is { } pod
            ? (pod, "")
            : (null, $"no endpoints available for service \"{serviceName}\"");
    }
}
