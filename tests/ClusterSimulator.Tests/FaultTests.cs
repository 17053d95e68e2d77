using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>Faults injected on demand, as a client sees them: Status answers, Retry-After, latency, dropped connections.</summary>
public sealed class FaultTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>, IDisposable
{
    private const string Namespaces = "/api/v1/namespaces";

    private Faults Faults => fixture.Cluster.Faults;

    public void Dispose() => Faults.Clear();

    [Fact]
    public async Task A_429_carries_retry_after_and_a_too_many_requests_status_then_the_next_request_passes()
    {
        Faults.Add(FaultRule.Status(429, Namespaces, verb: "GET", times: 1, retryAfterSeconds: 3));
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        using var faulted = await http.GetAsync($"{Namespaces}/default");
        var status = await faulted.Content.ReadFromJsonAsync<JsonObject>();
        using var next = await http.GetAsync($"{Namespaces}/default");

        Assert.Equal(HttpStatusCode.TooManyRequests, faulted.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), faulted.Headers.RetryAfter?.Delta);
        Assert.Equal("Status", (string?)status!["kind"]);
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal(429, (int?)status["code"]);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_500_fault_answers_an_internal_error_status_for_the_next_n_matching_requests_only()
    {
        Faults.Add(FaultRule.Status(500, Namespaces, times: 2));
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        var codes = new List<HttpStatusCode>();
        string? reason = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync($"{Namespaces}/default");
            codes.Add(response.StatusCode);
            reason ??= (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["reason"];
        }

        using var version = await http.GetAsync("/version");

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], codes);
        Assert.Equal("InternalError", reason);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task Latency_delays_the_answer()
    {
        Faults.Add(FaultRule.Delay(TimeSpan.FromMilliseconds(400), "/version", times: 1));
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        await http.GetAsync("/healthz");

        var slow = Stopwatch.StartNew();
        using var delayed = await http.GetAsync("/version");
        slow.Stop();
        var fast = Stopwatch.StartNew();
        using var plain = await http.GetAsync("/version");
        fast.Stop();

        Assert.Equal(HttpStatusCode.OK, delayed.StatusCode);
        Assert.True(slow.Elapsed >= TimeSpan.FromMilliseconds(390), $"took {slow.Elapsed}");
        Assert.True(fast.Elapsed < TimeSpan.FromMilliseconds(300), $"took {fast.Elapsed}");
    }

    [Fact]
    public async Task An_abort_drops_the_connection()
    {
        Faults.Add(FaultRule.Drop("/version", times: 1));
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/version"));
        using var after = await http.GetAsync("/version");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_fault_scoped_to_a_user_agent_prefix_spares_other_clients()
    {
        Faults.Add(new FaultRule { StatusCode = 503, PathPrefix = "/version", UserAgentPrefix = "mesh-build/" });
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        using var ours = new HttpRequestMessage(HttpMethod.Get, "/version");
        ours.Headers.UserAgent.ParseAdd("mesh-build/1");
        using var faulted = await http.SendAsync(ours);
        using var theirs = new HttpRequestMessage(HttpMethod.Get, "/version");
        theirs.Headers.UserAgent.ParseAdd("Helm/4.1.4");
        using var spared = await http.SendAsync(theirs);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, spared.StatusCode);
    }

    [Fact]
    public async Task A_seeded_fraction_faults_about_that_share_the_same_way_every_time()
    {
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        async Task<string> PatternAsync()
        {
            Faults.Clear();
            Faults.Add(new FaultRule { StatusCode = 503, PathPrefix = "/version", Fraction = 0.5, Seed = 42 });
            var pattern = "";
            for (var i = 0; i < 40; i++)
            {
                using var response = await http.GetAsync("/version");
                pattern += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 'x' : '.';
            }

            return pattern;
        }

        var first = await PatternAsync();
        var second = await PatternAsync();

        Assert.InRange(first.Count(c => c == 'x'), 10, 30);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Faults_are_set_and_cleared_over_http_with_the_bearer_token()
    {
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        using var anonymous = fixture.HttpClient(null);

        using var refused = await anonymous.PostAsJsonAsync("/_sim/faults", new JsonObject { ["status"] = 503 });
        using var set = await http.PostAsJsonAsync("/_sim/faults", new JsonObject { ["verb"] = "GET", ["pathRegex"] = "^/version$", ["status"] = 503, ["retryAfterSeconds"] = 1 });
        using var faulted = await http.GetAsync("/version");
        var status = await faulted.Content.ReadFromJsonAsync<JsonObject>();
        using var invalid = await http.PostAsJsonAsync("/_sim/faults", new JsonObject { ["status"] = 418 });
        using var cleared = await http.DeleteAsync("/_sim/faults");
        using var after = await http.GetAsync("/version");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, set.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        Assert.Equal("ServiceUnavailable", (string?)status!["reason"]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
