using System.Net;
using System.Text.Json.Nodes;
using k8s;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The API server's service proxy in front of the add-ons' health endpoints, and Prometheus's query API.</summary>
public sealed class ServiceProxyTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    private async Task<(HttpStatusCode Code, string Body)> GetAsync(string path)
    {
        using var http = mesh.Simulator.HttpClient(mesh.Cluster.Token);
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Service named <paramref name="name"/> over one pod labelled app=<paramref name="app"/>, Ready or not.</summary>
    private async Task AddOnAsync(string ns, string name, string app, int port, bool ready)
    {
        await mesh.PodAsync(ns, $"{name}-0", new Dictionary<string, string> { ["app"] = app }, port);
        if (ready)
        {
            await mesh.MarkReadyAsync(ns, $"{name}-0");
        }

        await mesh.ServiceAsync(ns, name, app, port, port, portName: "http");
    }

    [Fact]
    public async Task Each_add_ons_health_endpoint_answers_200_once_a_pod_is_ready()
    {
        var ns = await mesh.NamespaceAsync("addons");
        await AddOnAsync(ns, "kiali", "kiali", 20001, ready: true);
        await AddOnAsync(ns, "grafana", "grafana", 3000, ready: true);
        await AddOnAsync(ns, "prometheus-server", "prometheus", 9090, ready: true);
        await AddOnAsync(ns, "tracing", "jaeger", 16686, ready: true);
        await AddOnAsync(ns, "jaeger-health", "jaeger", 13133, ready: true);
        var proxy = $"/api/v1/namespaces/{ns}/services";

        var kiali = await GetAsync($"{proxy}/kiali:20001/proxy/kiali/healthz");
        var grafana = await GetAsync($"{proxy}/http:grafana:3000/proxy/api/health");
        var ready = await GetAsync($"{proxy}/prometheus-server:http/proxy/-/ready");
        var healthy = await GetAsync($"{proxy}/prometheus-server/proxy/-/healthy");
        var ui = await GetAsync($"{proxy}/tracing:16686/proxy/");
        var status = await GetAsync($"{proxy}/jaeger-health:13133/proxy/status");
        var unknownPath = await GetAsync($"{proxy}/kiali:20001/proxy/nope");

        Assert.Equal((HttpStatusCode.OK, ""), kiali);
        Assert.Equal(HttpStatusCode.OK, grafana.Code);
        Assert.Equal("ok", (string?)JsonNode.Parse(grafana.Body)!["database"]);
        Assert.Equal((HttpStatusCode.OK, "Prometheus Server is Ready.\n"), ready);
        Assert.Equal((HttpStatusCode.OK, "Prometheus Server is Healthy.\n"), healthy);
        Assert.Equal(HttpStatusCode.OK, ui.Code);
        Assert.Contains("Jaeger UI", ui.Body);
        Assert.Equal("Server available", (string?)JsonNode.Parse(status.Body)!["status"]);
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.Code);
    }

    [Fact]
    public async Task KubernetesClients_service_proxy_call_reaches_grafana()
    {
        var ns = await mesh.NamespaceAsync("client");
        await AddOnAsync(ns, "grafana", "grafana", 3000, ready: true);

        await using var stream = await mesh.Client.CoreV1.ConnectGetNamespacedServiceProxyWithPathAsync("grafana:3000", ns, "api/health");
        var health = await JsonNode.ParseAsync(stream);

        Assert.Equal("ok", (string?)health!["database"]);
    }

    [Fact]
    public async Task Without_a_ready_pod_the_proxy_answers_503_and_for_an_unknown_service_404()
    {
        var ns = await mesh.NamespaceAsync("unready");
        await AddOnAsync(ns, "kiali", "kiali", 20001, ready: false);

        var unready = await GetAsync($"/api/v1/namespaces/{ns}/services/kiali:20001/proxy/kiali/healthz");
        var missing = await GetAsync($"/api/v1/namespaces/{ns}/services/grafana:3000/proxy/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.Code);
        var status = JsonNode.Parse(unready.Body)!;
        Assert.Equal(("Status", "ServiceUnavailable"), ((string?)status["kind"], (string?)status["reason"]));
        Assert.Equal("no endpoints available for service \"kiali\"", (string?)status["message"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.Code);
        Assert.Equal("services \"grafana\" not found", (string?)JsonNode.Parse(missing.Body)!["message"]);
    }

    [Fact]
    public async Task Prometheus_counts_probe_calls_to_injected_workloads_with_their_security_policy()
    {
        var monitoring = await mesh.NamespaceAsync("monitoring");
        await AddOnAsync(monitoring, "prometheus", "prometheus", 9090, ready: true);
        var ns = await mesh.NamespaceAsync("mailhog", ("istio-injection", "enabled"));
        await mesh.PodAsync(ns, "mailhog-0", new Dictionary<string, string> { ["app"] = "mailhog" }, 8025);
        await mesh.MarkReadyAsync(ns, "mailhog-0");
        await mesh.ServiceAsync(ns, "mailhog", "mailhog", 8025, 8025);
        var plainNs = await mesh.NamespaceAsync("plain");
        await mesh.PodAsync(plainNs, "plain-0", new Dictionary<string, string> { ["app"] = "plain" });
        await mesh.MarkReadyAsync(plainNs, "plain-0");
        await mesh.ServiceAsync(plainNs, "plain", "plain", 80, 8080);

        var script = $"curl -s -o /dev/null -w '%{{http_code}}' http://mailhog.{ns}:8025/ && curl -s http://plain.{plainNs}/";
        foreach (var (caller, sidecar, times) in new[] { ("meshed", true, 2), ("outside", false, 1) })
        {
            var labels = new Dictionary<string, string> { ["sidecar.istio.io/inject"] = sidecar ? "true" : "false" };
            await mesh.PodAsync(ns, caller, labels, command: ["sh", "-c", script]);
            for (var i = 0; i < times; i++)
            {
                Assert.Equal(0, mesh.Cluster.RunPod(mesh.Cluster.Store.Get(ObjectStore.Kind("Pod"), ns, caller), mesh.Cluster.Store).ExitCode);
            }
        }

        var query = Uri.EscapeDataString($"istio_requests_total{{destination_workload_namespace=\"{ns}\"}}");
        var answer = await GetAsync($"/api/v1/namespaces/{monitoring}/services/prometheus:9090/proxy/api/v1/query?query={query}");
        var plain = await GetAsync($"/api/v1/namespaces/{monitoring}/services/prometheus:9090/proxy/api/v1/query?query={Uri.EscapeDataString($"istio_requests_total{{destination_workload_namespace=\"{plainNs}\"}}")}");

        Assert.Equal(HttpStatusCode.OK, answer.Code);
        var body = JsonNode.Parse(answer.Body)!;
        Assert.Equal("success", (string?)body["status"]);
        Assert.Equal("vector", (string?)body["data"]!["resultType"]);
        var series = body["data"]!["result"]!.AsArray()
            .ToDictionary(r => (string)r!["metric"]!["source_workload"]!, r => r!);
        Assert.Equal(["meshed", "outside"], series.Keys.Order());
        Assert.Equal("mutual_tls", (string?)series["meshed"]["metric"]!["connection_security_policy"]);
        Assert.Equal("2", (string?)series["meshed"]["value"]![1]);
        Assert.Equal("none", (string?)series["outside"]["metric"]!["connection_security_policy"]);
        Assert.Equal("1", (string?)series["outside"]["value"]![1]);
        var metric = series["meshed"]["metric"]!;
        Assert.Equal(("mailhog-0", "mailhog", "200", "destination"), ((string?)metric["destination_workload"], (string?)metric["destination_service_name"], (string?)metric["response_code"], (string?)metric["reporter"]));

        // The plain service has no sidecar, so no destination proxy reported those calls.
        Assert.Empty(JsonNode.Parse(plain.Body)!["data"]!["result"]!.AsArray());

        var summed = await GetAsync($"/api/v1/namespaces/{monitoring}/services/prometheus:9090/proxy/api/v1/query?query={Uri.EscapeDataString($"sum by (connection_security_policy) (istio_requests_total{{destination_service_name=\"mailhog\",destination_service_namespace=\"{ns}\"}})")}");
        var totals = JsonNode.Parse(summed.Body)!["data"]!["result"]!.AsArray()
            .ToDictionary(r => (string)r!["metric"]!["connection_security_policy"]!, r => (string?)r!["value"]![1]);
        Assert.Equal(new Dictionary<string, string?> { ["mutual_tls"] = "2", ["none"] = "1" }, totals);
    }

    [Fact]
    public async Task A_query_that_is_not_a_metric_selector_is_bad_data()
    {
        var ns = await mesh.NamespaceAsync("badquery");
        await AddOnAsync(ns, "prometheus", "prometheus", 9090, ready: true);

        var answer = await GetAsync($"/api/v1/namespaces/{ns}/services/prometheus:9090/proxy/api/v1/query?query={Uri.EscapeDataString("rate(x[5m]")}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Code);
        Assert.Equal("bad_data", (string?)JsonNode.Parse(answer.Body)!["errorType"]);
    }
}
