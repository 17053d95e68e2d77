using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>Watches as the real clients use them: KubernetesClient, raw watch-list streams, kubectl -w, helm --wait.</summary>
public sealed class WatchTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly ResourceKind ConfigMap = ObjectStore.Kind("ConfigMap");

    private ObjectStore Store => fixture.Cluster.Store;

    [Fact]
    public async Task KubernetesClient_watch_sees_added_modified_and_deleted()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));
        var ns = NewNamespace("kcwatch");
        var before = await client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType Type, string Name, string? Value)>();

        var watching = Task.Run(async () =>
        {
            var events = client.CoreV1.WatchListNamespacedConfigMapAsync(
                ns, resourceVersion: before.Metadata.ResourceVersion, cancellationToken: timeout.Token);
            await foreach (var (type, item) in events)
            {
                seen.Add((type, item.Metadata.Name, item.Data is { } data && data.TryGetValue("k", out var k) ? k : null));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });
        await WaitForWatchAsync(ns, timeout.Token);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "watched" }, Data = new Dictionary<string, string> { ["k"] = "1" } }, ns);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("watched", ns);
        read.Data["k"] = "2";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(read, "watched", ns);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("watched", ns);
        await watching.WaitAsync(timeout.Token);

        Assert.Equal(
            [(WatchEventType.Added, "watched", "1"), (WatchEventType.Modified, "watched", "2"), (WatchEventType.Deleted, "watched", "2")],
            seen);
    }

    [Fact]
    public async Task A_watch_list_stream_ends_its_initial_events_with_a_bookmark_then_streams_changes()
    {
        var ns = NewNamespace("watchlist");
        Store.Create(ConfigMap, ns, Cm("a"));
        Store.Create(ConfigMap, ns, Cm("b"));
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        using var events = await WatchAsync(http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5");
        var initial = new[] { await events.NextAsync(), await events.NextAsync(), await events.NextAsync() };
        Store.Create(ConfigMap, ns, Cm("c"));
        var change = await events.NextAsync();

        Assert.Equal(["ADDED a", "ADDED b"], initial[..2].Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
        var bookmark = initial[2];
        Assert.Equal("BOOKMARK", (string?)bookmark["type"]);
        Assert.Equal("v1", (string?)bookmark["object"]!["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)bookmark["object"]!["kind"]);
        Assert.Equal("true", (string?)bookmark["object"]!["metadata"]!["annotations"]![WatchStream.InitialEventsEnd]);
        Assert.True(long.Parse((string)bookmark["object"]!["metadata"]!["resourceVersion"]!) >= long.Parse((string)initial[1]["object"]!["metadata"]!["resourceVersion"]!));
        Assert.Equal("ADDED c", $"{change["type"]} {change["object"]!["metadata"]!["name"]}");
    }

    [Fact]
    public async Task A_deployment_watch_list_bookmark_carries_the_apps_group_version()
    {
        var ns = NewNamespace("deploywl");
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        using var events = await WatchAsync(http, $"/apis/apps/v1/namespaces/{ns}/deployments?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=5");
        var bookmark = await events.NextAsync();

        Assert.Equal("BOOKMARK", (string?)bookmark["type"]);
        Assert.Equal("apps/v1", (string?)bookmark["object"]!["apiVersion"]);
        Assert.Equal("Deployment", (string?)bookmark["object"]!["kind"]);
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_sends_only_newer_changes_as_its_selector_sees_them()
    {
        var ns = NewNamespace("fromrv");
        Store.Create(ConfigMap, ns, Cm("old"));
        var from = (string)Store.Create(ConfigMap, ns, Cm("older"))["metadata"]!["resourceVersion"]!;
        Store.Create(ConfigMap, ns, Cm("newer", app: "web"));
        Store.Create(ConfigMap, ns, Cm("unselected", app: "db"));
        using var http = fixture.HttpClient(fixture.Cluster.Token);

        using var events = await WatchAsync(http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={from}&labelSelector=app%3Dweb&timeoutSeconds=5");
        var replayed = await events.NextAsync();
        Store.Delete(ConfigMap, ns, "unselected");
        Store.MergePatch(ConfigMap, ns, "newer", new JsonObject { ["data"] = new JsonObject { ["k"] = "v" } });
        var live = await events.NextAsync();
        Store.MergePatch(ConfigMap, ns, "old", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } } });
        var joined = await events.NextAsync();
        Store.MergePatch(ConfigMap, ns, "newer", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "db" } } });
        var left = await events.NextAsync();

        Assert.Equal("ADDED newer", $"{replayed["type"]} {replayed["object"]!["metadata"]!["name"]}");
        Assert.Equal("MODIFIED newer v", $"{live["type"]} {live["object"]!["metadata"]!["name"]} {live["object"]!["data"]!["k"]}");
        Assert.Equal("ADDED old", $"{joined["type"]} {joined["object"]!["metadata"]!["name"]}");
        Assert.Equal("DELETED newer", $"{left["type"]} {left["object"]!["metadata"]!["name"]}");
    }

    [Fact]
    public async Task Deletecollection_deletes_the_selected_objects_and_watches_see_them_go()
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));
        var ns = NewNamespace("delcoll");
        Store.Create(ConfigMap, ns, Cm("web-1", app: "web"));
        Store.Create(ConfigMap, ns, Cm("web-2", app: "web"));
        Store.Create(ConfigMap, ns, Cm("db", app: "db"));
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        using var events = await WatchAsync(http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={Store.ResourceVersion}&timeoutSeconds=5");

        await client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "app=web");
        var gone = new[] { await events.NextAsync(), await events.NextAsync() };
        var left = await client.CoreV1.ListNamespacedConfigMapAsync(ns);

        Assert.Equal(["DELETED web-1", "DELETED web-2"], gone.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
        Assert.Equal("db", Assert.Single(left.Items).Metadata.Name);
    }

    [Fact]
    public async Task A_watch_ends_after_timeout_seconds()
    {
        var ns = NewNamespace("timeout");
        using var http = fixture.HttpClient(fixture.Cluster.Token);
        var clock = Stopwatch.StartNew();

        var body = await http.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={Store.ResourceVersion}&timeoutSeconds=1");

        Assert.Equal("", body);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_older_than_the_history_gets_410_expired()
    {
        await using var cluster = new SimulatedCluster();
        cluster.Store.Events.HistoryPerKind = 3;
        await cluster.StartAsync();
        var ns = "default";
        var first = (string)cluster.Store.Create(ConfigMap, ns, Cm("first"))["metadata"]!["resourceVersion"]!;
        for (var i = 0; i < 5; i++)
        {
            cluster.Store.Create(ConfigMap, ns, Cm($"later-{i}"));
        }

        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = new Uri(cluster.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", cluster.Token);
        using var events = await WatchAsync(http, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={first}");
        var error = await events.NextAsync();

        Assert.Equal("ERROR", (string?)error["type"]);
        Assert.Equal(410, (int?)error["object"]!["code"]);
        Assert.Equal("Expired", (string?)error["object"]!["reason"]);
        Assert.Equal("Status", (string?)error["object"]!["kind"]);
        Assert.Null(await events.NextOrEndAsync());
    }

    [Fact]
    public async Task Kubectl_get_watch_prints_a_config_map_created_after_it_started()
    {
        var kubectl = RepoTools.Require("kubectl");
        var ns = NewNamespace("kubectlw");
        var cache = Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, "kube-cache");
        var start = new ProcessStartInfo(kubectl, ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", cache, "get", "cm", "-n", ns, "-w"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await WaitForWatchAsync(ns, timeout.Token);
            Store.Create(ConfigMap, ns, Cm("late-arrival"));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.StartsWith("late-arrival", StringComparison.Ordinal));

            if (line is null)
            {
                Assert.Fail("kubectl -w ended without printing the config map: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Kubectl_wait_syncs_through_a_watch_list_and_sees_the_change_it_waits_for()
    {
        var kubectl = RepoTools.Require("kubectl");
        var ns = NewNamespace("kwait");
        Store.Create(ConfigMap, ns, Cm("gate", app: "closed"));
        var cache = Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, "kube-cache");
        var start = new ProcessStartInfo(kubectl, ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", cache, "wait", "-n", ns, "cm/gate", "--for=jsonpath={.metadata.labels.app}=open", "--timeout=10s"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await WaitForWatchAsync(ns, timeout.Token);
            Store.MergePatch(ConfigMap, ns, "gate", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "open" } } });
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, await output + await error);
            Assert.Contains("configmap/gate condition met", await output);
            Assert.Contains(fixture.Cluster.Requests.Records, r => r.Path == $"/api/v1/namespaces/{ns}/configmaps" && r.Query.Contains("sendInitialEvents=true", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private string NewNamespace(string prefix)
    {
        var ns = SimulatorFixture.UniqueName(prefix);
        Store.Create(ObjectStore.Kind("Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        return ns;
    }

    // A watch is logged as its answer starts, which is after it has subscribed to the store's events.
    private async Task WaitForWatchAsync(string ns, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        while (!fixture.Cluster.Requests.Records.Any(r => r.Path == path && r.Query.Contains("watch=", StringComparison.Ordinal)))
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static JsonObject Cm(string name, string? app = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (app is not null)
        {
            metadata["labels"] = new JsonObject { ["app"] = app };
        }

        return new JsonObject { ["metadata"] = metadata };
    }

    private static async Task<EventReader> WatchAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new EventReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Reads a watch stream one JSON line at a time, giving up after a few seconds.</summary>
    private sealed class EventReader(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public async Task<JsonObject> NextAsync() =>
            await NextOrEndAsync() ?? throw new InvalidOperationException("the watch stream ended");

        public async Task<JsonObject?> NextOrEndAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var line = await reader.ReadLineAsync(timeout.Token);
            return line is null ? null : JsonNode.Parse(line)!.AsObject();
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
