using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 14: the cluster door tries transient failures again and hands permanent ones back at once, with the resource and the server's words.</summary>
[Trait("Category", "EndToEnd")]
public sealed class DoorRetryTests : IAsyncLifetime
{
    private const string Namespace = "/api/v1/namespaces/default";

    private readonly SimulatedCluster _simulator = new();
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"door-{Guid.NewGuid():N}.kubeconfig");
    private Cluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _simulator.StartAsync();
        _simulator.WriteKubeconfig(_kubeconfig);
        _cluster = ClusterConnection.Open(_kubeconfig, null, null, Path.GetTempPath());
        _cluster.Retries = _cluster.Retries with { FirstDelay = TimeSpan.FromMilliseconds(20) };
    }

    public async Task DisposeAsync()
    {
        _cluster.Dispose();
        await _simulator.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_get_that_meets_server_errors_is_tried_again_and_succeeds(int status)
    {
        _simulator.Faults.Add(FaultRule.Status(status, Namespace, "GET", times: 3));

        var found = await _cluster.GetAsync("v1", "Namespace", "default", null);

        Assert.Equal("default", (string?)found?["metadata"]?["name"]);
        Assert.Equal(4, Requests("GET", Namespace).Count);
        Assert.Equal(3, _cluster.Retried);
    }

    [Fact]
    public async Task A_429_waits_the_retry_after_the_server_asked_for()
    {
        _simulator.Faults.Add(FaultRule.Status(429, Namespace, "GET", times: 1, retryAfterSeconds: 1));
        var clock = Stopwatch.StartNew();

        await _cluster.GetAsync("v1", "Namespace", "default", null);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(5));
        Assert.Equal(2, Requests("GET", Namespace).Count);
    }

    [Fact]
    public async Task A_dropped_connection_is_tried_again()
    {
        _simulator.Faults.Add(FaultRule.Drop(Namespace, "GET", times: 2));

        var found = await _cluster.GetAsync("v1", "Namespace", "default", null);

        Assert.NotNull(found);
        Assert.Equal(2, _cluster.Retried);
    }

    [Fact]
    public async Task An_apply_that_meets_503_is_sent_again_with_its_body_and_lands()
    {
        _simulator.Faults.Add(FaultRule.Status(503, "/api/v1/namespaces/default/configmaps", "PATCH", times: 2));
        var desired = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"door","namespace":"default"},"data":{"k":"v"}}""")!.AsObject();

        await _cluster.ApplyAsync(desired, force: false);

        Assert.Equal("v", (string?)(await _cluster.GetAsync("v1", "ConfigMap", "door", "default"))?["data"]?["k"]);
        Assert.Equal(3, Requests("PATCH", "/api/v1/namespaces/default/configmaps/door").Count);
    }

    [Fact]
    public async Task Faults_that_never_stop_end_after_the_bounded_attempts_with_the_resource_and_the_servers_message()
    {
        _simulator.Faults.Add(FaultRule.Status(503, Namespace, "GET"));

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => _cluster.GetAsync("v1", "Namespace", "default", null));

        Assert.Equal(RetryLimits.Default.Attempts, Requests("GET", Namespace).Count);
        Assert.Contains("get Namespace default: 503 ServiceUnavailable: the server is currently unable to handle the request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_422_is_not_tried_again_and_names_the_object_and_the_servers_reason()
    {
        var invalid = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Door_Bad","namespace":"default"},"data":{"k":"v"}}""")!.AsObject();

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => _cluster.ApplyAsync(invalid, force: false));

        Assert.Single(Requests("PATCH", "/api/v1/namespaces/default/configmaps/Door_Bad"));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.StartsWith("apply ConfigMap default/Door_Bad: 422 UnprocessableEntity: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_the_server_cannot_type_is_its_verdict_though_it_answers_500_and_is_not_tried_again()
    {
        var invalid = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"door","namespace":"default"},"data":{"k":"v"},"nonsense":1}""")!.AsObject();

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => _cluster.ApplyAsync(invalid, force: false));

        Assert.Single(Requests("PATCH", "/api/v1/namespaces/default/configmaps/door"));
        Assert.Equal(0, _cluster.Retried);
        Assert.StartsWith("apply ConfigMap default/door: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("nonsense", error.Message, StringComparison.Ordinal);
    }

    private List<RequestRecord> Requests(string verb, string path) =>
        [.. _simulator.Requests.Records.Where(request => request.Verb == verb && request.Path == path)];
}
