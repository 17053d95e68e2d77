using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The request log: counts for tests, <c>/_sim/requests</c> over HTTP, JSON lines from the entry point.</summary>
public sealed class RequestLogTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Requests_are_counted_by_verb_and_path_and_readable_and_resettable_over_http()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        var ns = SimulatorFixture.UniqueName("counted");
        await client.CoreV1.CreateNamespaceAsync(new() { Metadata = new() { Name = ns } });
        await client.CoreV1.ReadNamespaceAsync(ns);
        await client.CoreV1.ReadNamespaceAsync(ns);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.ReadNamespaceAsync(ns + "-missing"));

        var requests = fixture.Cluster.Requests;
        var posts = requests.Count("POST", "/api/v1/namespaces");
        var counts = requests.Counts;
        var listed = await http.GetFromJsonAsync<JsonArray>("/_sim/requests");
        using var reset = await http.DeleteAsync("/_sim/requests");
        var afterReset = await http.GetFromJsonAsync<JsonArray>("/_sim/requests");

        Assert.Equal(1, posts);
        Assert.Equal(2, counts[$"GET /api/v1/namespaces/{ns}"]);
        var missing = listed!.Single(r => (string?)r!["path"] == $"/api/v1/namespaces/{ns}-missing")!;
        Assert.Equal("GET", (string?)missing["verb"]);
        Assert.Equal(404, (int?)missing["status"]);
        Assert.StartsWith("kubernetes-csharp/", (string?)missing["userAgent"]);
        Assert.DoesNotContain(listed!, r => ((string?)r!["path"])!.StartsWith("/_sim", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(afterReset!);
        Assert.Empty(requests.Records);
    }

    [Fact]
    public async Task The_request_log_needs_the_bearer_token()
    {
        using var anonymous = fixture.HttpClient(null);

        using var response = await anonymous.GetAsync("/_sim/requests");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [UnixFact]
    public async Task The_entry_point_writes_one_json_line_per_request_with_request_log()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-sim-log-").FullName;
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        var log = Path.Combine(directory, "requests.jsonl");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ClusterSimulator"), ["--kubeconfig", kubeconfig, "--request-log", log])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            Assert.Contains("ready at", await process.StandardOutput.ReadLineAsync(timeout.Token));
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: timeout.Token);
            await client.CoreV1.ListNamespaceAsync(cancellationToken: timeout.Token);

            var lines = (await File.ReadAllLinesAsync(log, timeout.Token)).Select(l => JsonNode.Parse(l)!).ToList();

            Assert.Equal(2, lines.Count);
            Assert.Equal(["GET /api/v1/namespaces/default 200", "GET /api/v1/namespaces 200"], lines.Select(l => $"{l["verb"]} {l["path"]} {l["status"]}"));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }
}
