using System.Globalization;
using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Reporting;

namespace Mesh.Build.Tasks;

[TaskName("VerifyDashboards")]
[IsDependentOn(typeof(EnforceMtls))]
[TaskDescription("Checks each enabled dashboard's health through the API server's service proxy, and that Prometheus sees MailHog's traffic as mutual TLS; then promotes a canary whose proofs all passed")]
public sealed class VerifyDashboards : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        await context.ProveAsync("VerifyDashboards", () => VerifyAsync(context));
        // The chain's last proofs have passed: a canary in progress is promoted now.
        await CanaryPromotion.PromoteAsync(context);
    }

    private static async Task VerifyAsync(BuildContext context)
    {
        var settings = context.Settings;
        var dashboards = Dashboard.Enabled(settings);
        if (dashboards.Count == 0)
        {
            context.Log.Information("no dashboards are enabled (dashboards=none): nothing to verify");
            return;
        }

        var gateway = settings.ExposeDashboards ? await context.GatewayHostsAsync() : null;
        var hosts = gateway?.Dashboards ?? new Dictionary<string, string>();
        await context.Proofs.RunAsync("every dashboard is healthy", ProofCost.ReadOnly, async () =>
        {
            var health = new Dictionary<Dashboard, string?>();
            foreach (var dashboard in dashboards)
            {
                health[dashboard] = await HealthAsync(context, dashboard);
            }

            context.Log.Information("{0,-11} {1,-40} {2}", "DASHBOARD", "STATUS", "OPEN WITH");
            foreach (var (dashboard, status) in health)
            {
                context.Log.Information("{0,-11} {1,-40} {2}", dashboard.Title, status ?? "healthy", gateway is not null && hosts.TryGetValue(dashboard.Id, out var host) ? gateway.Url(host, dashboard.UiPath) : $"{dashboard.PortForward}, then {dashboard.LocalAddress}");
            }

            var down = health.Where(entry => entry.Value is not null).ToList();
            if (down.Count > 0)
            {
                throw new InvalidOperationException(
                    $"VerifyDashboards: {string.Join(", ", down.Select(entry => entry.Key.Id))} not healthy:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, down.Select(entry =>
                        $"  - {entry.Key.Id}: {entry.Value}; check `kubectl -n {MeshLayout.IstioNamespace} rollout status deployment/{entry.Key.Component.Deployment}` and its pod's logs")));
            }

            return $"{string.Join(", ", health.Keys.Select(dashboard => dashboard.Title))} healthy";
        });

        if (settings.Dashboards.Contains("prometheus"))
        {
            await context.Proofs.RunAsync("Prometheus counts mutual-TLS requests to MailHog", ProofCost.Writes, async () =>
            {
                var metrics = await MutualTlsMetricsAsync(context, settings.MailHogNamespace);
                context.Log.Information("istio_requests_total to mailhog over mutual TLS: {0}", metrics);
                return metrics;
            });
        }
    }

    /// <summary>Null when the health endpoint answered, else what went wrong.</summary>
    private static async Task<string?> HealthAsync(BuildContext context, Dashboard dashboard)
    {
        var path = ProxyPath(dashboard.Service, dashboard.HealthPort, dashboard.HealthPath);
        try
        {
            await context.Cluster.GetRawAsync(path);
            context.Log.Verbose("{0}: GET {1} answered", dashboard.Id, path);
            return null;
        }
        catch (KubernetesApiException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Sends a few requests to MailHog from inside the mesh, then asks Prometheus for them: the destination
    /// proxy labels each request with the connection's security policy, so mutual_tls is the metrics' proof.
    /// </summary>
    private static async Task<string> MutualTlsMetricsAsync(BuildContext context, string ns)
    {
        var traffic = await ProbeJob.RunAsync(
            context.Cluster, context.ManifestsDirectory, context.Settings.WaitTimeout, "mesh-traffic", ns, new Dictionary<string, string> { ["app"] = "mesh-traffic" }, "traffic", $"http://mailhog.{ns}.svc.cluster.local:8025/", context.Settings.Image);
        if (!traffic.Succeeded)
        {
            throw new InvalidOperationException($"VerifyDashboards: the requests to MailHog from inside the mesh failed, so there is nothing to measure: {traffic.Describe()}");
        }

        var query = $"sum(istio_requests_total{{reporter=\"destination\",destination_workload_namespace=\"{ns}\",destination_workload=\"mailhog\",connection_security_policy=\"mutual_tls\"}})";
        var path = ProxyPath("prometheus", 9090, "/api/v1/query") + "?query=" + Uri.EscapeDataString(query);
        // Prometheus scrapes every 15 s or so; new series take a few scrapes to appear.
        var patience = context.Settings.WaitTimeout;
        var deadline = DateTimeOffset.UtcNow + patience;
        while (true)
        {
            var answer = JsonNode.Parse(await context.Cluster.GetRawAsync(path));
            var series = answer?["data"]?["result"] as JsonArray ?? [];
            var value = series.Count == 0 ? null : (string?)series[0]?["value"]?[1];
            if (value is not null && double.Parse(value, CultureInfo.InvariantCulture) > 0)
            {
                return $"{value} requests ({query})";
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new InvalidOperationException(
                    $"VerifyDashboards: Prometheus has no mutual-TLS requests to mailhog after {patience.TotalSeconds:0} s ({query}). " +
                    "Check that Prometheus scrapes the sidecars (its targets page) and that MailHog's pods run istio-proxy.");
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    private static string ProxyPath(string service, int port, string path) =>
        $"/api/v1/namespaces/{MeshLayout.IstioNamespace}/services/{service}:{port}/proxy{path}";
}
