using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// Pods that curl a Service, run through <see cref="SimulatedCluster.RunPod"/>: the mesh's mutual TLS
/// decides whether a plaintext caller gets through; every call is counted for Prometheus.
/// </summary>
public sealed class CurlProbeTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    private const string Curl = "curl -sS -o /dev/null -w '%{http_code}' --max-time 5 ";

    /// <summary>An injected, Ready "web" pod behind Service "web" (port 80 to 8080), in a new enabled namespace.</summary>
    private async Task<string> MeshedServiceAsync(string prefix)
    {
        var ns = await mesh.NamespaceAsync(prefix, ("istio-injection", "enabled"));
        await mesh.PodAsync(ns, "web-0", new Dictionary<string, string> { ["app"] = "web" });
        await mesh.MarkReadyAsync(ns, "web-0");
        await mesh.ServiceAsync(ns, "web", "web", 80, 8080);
        return ns;
    }

    private async Task<PodRun> RunAsync(string ns, string name, string script, bool sidecar)
    {
        var labels = new Dictionary<string, string> { ["app"] = name, ["sidecar.istio.io/inject"] = sidecar ? "true" : "false" };
        var pod = await mesh.PodAsync(ns, name, labels, command: ["sh", "-c", script]);
        Assert.Equal(sidecar, pod.Spec.Containers.Any(c => c.Name == "istio-proxy"));
        var stored = mesh.Cluster.Store.Get(ObjectStore.Kind("Pod"), ns, name);
        return mesh.Cluster.RunPod(stored, mesh.Cluster.Store);
    }

    [Fact]
    public async Task Under_strict_a_caller_without_a_sidecar_is_reset_and_one_with_a_sidecar_gets_200()
    {
        var ns = await MeshedServiceAsync("strict");
        await mesh.PeerAuthenticationAsync(ns, "default", new JsonObject { ["mtls"] = new JsonObject { ["mode"] = "STRICT" } });

        var plain = await RunAsync(ns, "plain", Curl + $"http://web.{ns}.svc.cluster.local:80/", sidecar: false);
        var meshed = await RunAsync(ns, "meshed", Curl + $"http://web.{ns}:80/", sidecar: true);

        Assert.Equal(new PodRun(56, "000curl: (56) Recv failure: Connection reset by peer\n"), plain);
        Assert.Equal(new PodRun(0, "200"), meshed);
    }

    [Fact]
    public async Task A_probe_stops_its_sidecar_through_pilot_agent_and_keeps_the_exit_code_of_its_call()
    {
        var ns = await MeshedServiceAsync("quit");
        await mesh.PeerAuthenticationAsync(ns, "default", new JsonObject { ["mtls"] = new JsonObject { ["mode"] = "STRICT" } });
        const string Quit = " && curl -fsS -o /dev/null -X POST http://127.0.0.1:15020/quitquitquit";

        var meshed = await RunAsync(ns, "meshed", Curl + $"http://web.{ns}:80/" + Quit, sidecar: true);
        var plain = await RunAsync(ns, "plain", Curl + $"http://web.{ns}:80/" + Quit, sidecar: false);
        var noAgent = await RunAsync(ns, "noagent", "curl -sS -X POST http://localhost:15020/quitquitquit", sidecar: false);

        Assert.Equal(new PodRun(0, "200"), meshed);
        Assert.Equal(56, plain.ExitCode);
        Assert.Equal(7, noAgent.ExitCode);
    }

    [Fact]
    public async Task Switched_off_strict_lets_plaintext_through_and_a_failed_handshake_answers_503_unreported()
    {
        var ns = await MeshedServiceAsync("broken");
        await mesh.PeerAuthenticationAsync(ns, "default", new JsonObject { ["mtls"] = new JsonObject { ["mode"] = "STRICT" } });
        mesh.Cluster.MeshOptions.StrictRefusesPlaintext = false;
        mesh.Cluster.MeshOptions.MutualTlsHandshake = false;
        try
        {
            var plain = await RunAsync(ns, "plain", Curl + $"http://web.{ns}:80/", sidecar: false);
            var meshed = await RunAsync(ns, "meshed", Curl + $"http://web.{ns}:80/", sidecar: true);

            Assert.Equal(new PodRun(0, "200"), plain);
            Assert.Equal(new PodRun(0, "503"), meshed);
            Assert.DoesNotContain(mesh.Cluster.Store.Telemetry.Calls, call => call.SourceNamespace == ns && call.SourceSidecar && call.Reported);
        }
        finally
        {
            mesh.Cluster.MeshOptions.StrictRefusesPlaintext = true;
            mesh.Cluster.MeshOptions.MutualTlsHandshake = true;
        }
    }

    [Fact]
    public async Task Only_the_sidecars_of_the_proxy_image_switched_off_fail_their_handshakes()
    {
        var ns = await MeshedServiceAsync("brokenimage");
        var image = SidecarInjector.ProxyImageOf(mesh.Cluster.Store.Get(ObjectStore.Kind("Pod"), ns, "web-0"));
        Assert.NotNull(image);
        try
        {
            mesh.Cluster.MeshOptions.ProxyFailingMutualTls = "docker.io/istio/proxyv2:0.0.0-another";
            var other = await RunAsync(ns, "other", Curl + $"http://web.{ns}:80/", sidecar: true);
            mesh.Cluster.MeshOptions.ProxyFailingMutualTls = image;
            var broken = await RunAsync(ns, "broken", Curl + $"http://web.{ns}:80/", sidecar: true);

            Assert.Equal(new PodRun(0, "200"), other);
            Assert.Equal(new PodRun(0, "503"), broken);
        }
        finally
        {
            mesh.Cluster.MeshOptions.ProxyFailingMutualTls = null;
        }
    }

    [Fact]
    public async Task Under_permissive_both_callers_get_200()
    {
        var ns = await MeshedServiceAsync("permissive");
        await mesh.PeerAuthenticationAsync(ns, "default", new JsonObject { ["mtls"] = new JsonObject { ["mode"] = "PERMISSIVE" } });

        var plain = await RunAsync(ns, "plain", Curl + $"http://web.{ns}.svc:80/healthz", sidecar: false);
        var meshed = await RunAsync(ns, "meshed", $"curl -s http://web.{ns}/", sidecar: true);

        Assert.Equal(new PodRun(0, "200"), plain);
        Assert.Equal(new PodRun(0, "HTTP/1.1 200 OK\n"), meshed);
    }

    [Fact]
    public async Task Calls_count_as_mutual_tls_only_between_sidecars_and_not_under_disable()
    {
        var permissive = await MeshedServiceAsync("tlsdefault");
        var disabled = await MeshedServiceAsync("tlsdisable");
        await mesh.PeerAuthenticationAsync(disabled, "default", new JsonObject { ["mtls"] = new JsonObject { ["mode"] = "DISABLE" } });

        await RunAsync(permissive, "meshed", Curl + "http://web/", sidecar: true);
        await RunAsync(permissive, "plain", Curl + "http://web/", sidecar: false);
        await RunAsync(disabled, "meshed", Curl + "http://web/", sidecar: true);

        var calls = mesh.Cluster.Store.Telemetry.Calls;
        Assert.True(calls.Single(c => c.DestinationNamespace == permissive && c.SourceWorkload == "meshed").MutualTls);
        Assert.False(calls.Single(c => c.DestinationNamespace == permissive && c.SourceWorkload == "plain").MutualTls);
        var plaintext = calls.Single(c => c.DestinationNamespace == disabled);
        Assert.Equal((false, 200, "web-0"), (plaintext.MutualTls, plaintext.ResponseCode, plaintext.DestinationWorkload));
    }

    [Fact]
    public async Task A_port_level_exception_lets_plaintext_through_on_that_target_port_only()
    {
        var ns = await MeshedServiceAsync("portlevel");
        await mesh.PeerAuthenticationAsync(ns, "web", JsonNode.Parse("""
            {"selector":{"matchLabels":{"app":"web"}},"mtls":{"mode":"STRICT"},"portLevelMtls":{"8080":{"mode":"PERMISSIVE"}}}
            """)!.AsObject());

        var plain = await RunAsync(ns, "plain", Curl + $"http://web.{ns}:80/", sidecar: false);

        Assert.Equal(0, plain.ExitCode);
    }

    [Fact]
    public async Task An_unknown_service_does_not_resolve_and_one_without_ready_pods_refuses()
    {
        var ns = await mesh.NamespaceAsync("unknown");
        await mesh.PodAsync(ns, "idle-0", new Dictionary<string, string> { ["app"] = "idle" });
        await mesh.ServiceAsync(ns, "idle", "idle", 80, 8080);

        var missing = await RunAsync(ns, "missing", $"curl -sS http://nothing.{ns}:80/", sidecar: false);
        var silent = await RunAsync(ns, "silent", $"curl -s http://nothing.{ns}:80/", sidecar: false);
        var idle = await RunAsync(ns, "idlecall", $"curl http://idle:80/", sidecar: false);

        Assert.Equal(new PodRun(6, $"curl: (6) Could not resolve host: nothing.{ns}\n"), missing);
        Assert.Equal(new PodRun(6, ""), silent);
        Assert.Equal(7, idle.ExitCode);
        Assert.StartsWith("curl: (7) Failed to connect to idle port 80", idle.Log);
    }

    [Fact]
    public async Task A_script_runs_its_curls_in_turn_obeying_and_and_or()
    {
        var ns = await MeshedServiceAsync("script");

        var run = await RunAsync(ns, "script", $$"""
            curl -s http://missing:80/ && echo unreachable
            curl -sS -o /dev/null -w '%{http_code}\n' http://web:80/ || exit 1; curl -s http://gone:80/ || curl -s -o /dev/null -w '%{http_code}' http://web.{{ns}}.svc:80/
            """, sidecar: false);

        Assert.Equal(new PodRun(0, "200\n200"), run);
    }

    [Fact]
    public async Task A_pod_that_runs_no_curl_exits_zero()
    {
        var ns = await mesh.NamespaceAsync("nocurl");

        var run = await RunAsync(ns, "sleeper", "sleep 1", sidecar: false);

        Assert.Equal(new PodRun(0, ""), run);
    }
}
