using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The simulated Deployment and ReplicaSet controllers and kubelet: rollouts finish for kubectl and helm
/// as on a real cluster, template changes roll to a new ReplicaSet, scaling adds and removes pods, and
/// EndpointSlices follow the pods.
/// </summary>
public sealed class DeploymentControllerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    private ObjectStore Store => fixture.Cluster.Store;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Kubectl_rollout_status_and_wait_for_available_succeed(int replicas)
    {
        var ns = await _kit.NamespaceAsync("roll");
        await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("web", replicas));

        var rollout = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");
        var wait = await _kit.KubectlAsync("wait", "--for=condition=Available", "deployment/web", "-n", ns, "--timeout=10s");

        Assert.True(rollout.ExitCode == 0, rollout.Output);
        Assert.Contains("deployment \"web\" successfully rolled out", rollout.Output);
        Assert.True(wait.ExitCode == 0, wait.Output);
        Assert.Contains("deployment.apps/web condition met", wait.Output);
        var status = Store.Get(ObjectStore.Kind("Deployment"), ns, "web")["status"]!;
        Assert.Equal(replicas, (int)status["readyReplicas"]!);
        Assert.Equal(replicas, (int)status["availableReplicas"]!);
        Assert.Equal(replicas, (int)status["updatedReplicas"]!);
        var pods = Items("Pod", ns);
        Assert.Equal(replicas, pods.Count);
        var rs = Assert.Single(Items("ReplicaSet", ns));
        Assert.All(pods, pod =>
        {
            Assert.Equal("Running", (string?)pod["status"]!["phase"]);
            Assert.StartsWith((string)rs["metadata"]!["name"]! + "-", (string)pod["metadata"]!["name"]!);
            Assert.Equal((string?)rs["metadata"]!["labels"]!["pod-template-hash"], (string?)pod["metadata"]!["labels"]!["pod-template-hash"]);
            Assert.True((bool)pod["status"]!["containerStatuses"]![0]!["ready"]!);
        });
    }

    [Fact]
    public async Task Helm_install_wait_of_a_chart_with_a_deployment_succeeds()
    {
        var ns = await _kit.NamespaceAsync("helm");

        var install = await _kit.HelmAsync("install", "site", RepoTools.Chart("web"), "-n", ns, "--wait", "--timeout", "20s");

        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Contains("STATUS: deployed", install.Output);
        Assert.Equal(2, (int)Store.Get(ObjectStore.Kind("Deployment"), ns, "site-web")["status"]!["readyReplicas"]!);
        var slice = Assert.Single(Items("EndpointSlice", ns));
        Assert.Equal("site-web", (string?)slice["metadata"]!["labels"]!["kubernetes.io/service-name"]);
        Assert.Equal("80", slice["ports"]![0]!["port"]!.ToString());
    }

    [Fact]
    public async Task A_template_change_rolls_to_a_new_replica_set_and_scales_the_old_one_to_zero()
    {
        var ns = await _kit.NamespaceAsync("tmpl");
        await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("web", 2, "nginx:1.27"));
        var first = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");
        var oldName = (string)Assert.Single(Items("ReplicaSet", ns))["metadata"]!["name"]!;

        await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("web", 2, "nginx:1.28"));
        var second = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        var sets = Items("ReplicaSet", ns);
        Assert.Equal(2, sets.Count);
        var old = sets.Single(rs => (string?)rs["metadata"]!["name"] == oldName);
        var current = sets.Single(rs => (string?)rs["metadata"]!["name"] != oldName);
        Assert.Equal(0, (int)old["spec"]!["replicas"]!);
        Assert.Equal("2", (string?)current["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        Assert.Equal("Deployment", (string?)current["metadata"]!["ownerReferences"]![0]!["kind"]);
        Assert.True((bool)current["metadata"]!["ownerReferences"]![0]!["controller"]!);
        var pods = Items("Pod", ns);
        Assert.Equal(2, pods.Count);
        Assert.All(pods, pod => Assert.Equal("nginx:1.28", (string?)pod["spec"]!["containers"]![0]!["image"]));
    }

    [Fact]
    public async Task Scaling_adds_and_removes_pods_and_endpoint_slices_follow()
    {
        var ns = await _kit.NamespaceAsync("scale");
        await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("web", 1) + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            """);
        var up = await _kit.KubectlAsync("scale", "deployment/web", "-n", ns, "--replicas=3");
        var upRollout = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");
        var threeEndpoints = await ReadyEndpointsAsync(ns, 3);
        var down = await _kit.KubectlAsync("scale", "deployment/web", "-n", ns, "--replicas=1");
        var downRollout = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");
        var oneEndpoint = await ReadyEndpointsAsync(ns, 1);

        Assert.True(up.ExitCode == 0, up.Output);
        Assert.True(upRollout.ExitCode == 0, upRollout.Output);
        Assert.Equal(3, threeEndpoints);
        Assert.True(down.ExitCode == 0, down.Output);
        Assert.True(downRollout.ExitCode == 0, downRollout.Output);
        Assert.Equal(1, oneEndpoint);
        var pod = Assert.Single(Items("Pod", ns));
        var slice = Assert.Single(Items("EndpointSlice", ns));
        Assert.Equal(pod["status"]!["podIP"]!.ToString(), slice["endpoints"]![0]!["addresses"]![0]!.ToString());
        Assert.Equal("8080", slice["ports"]![0]!["port"]!.ToString());
    }

    [Fact]
    public async Task Every_container_of_the_stored_pod_gets_a_status()
    {
        var ns = await _kit.NamespaceAsync("pod");
        Store.Create(ObjectStore.Kind("Pod"), ns, JsonNode.Parse("""
            {"metadata": {"name": "two"}, "spec": {"containers": [{"name": "app", "image": "app"}, {"name": "istio-proxy", "image": "proxy"}]}}
            """)!.AsObject());

        var wait = await _kit.KubectlAsync("wait", "--for=condition=Ready", "pod/two", "-n", ns, "--timeout=10s");

        Assert.True(wait.ExitCode == 0, wait.Output);
        var statuses = Store.Get(ObjectStore.Kind("Pod"), ns, "two")["status"]!["containerStatuses"]!.AsArray();
        Assert.Equal(["app", "istio-proxy"], statuses.Select(s => (string)s!["name"]!));
        Assert.All(statuses, s => Assert.True((bool)s!["ready"]!));
    }

    [Fact]
    public async Task A_load_balancer_service_gets_an_ingress_ip_and_node_ports()
    {
        var ns = await _kit.NamespaceAsync("lb");
        await _kit.ApplyAsync(ns, """
            apiVersion: v1
            kind: Service
            metadata: {name: gateway}
            spec:
              type: LoadBalancer
              selector: {app: gateway}
              ports: [{name: http, port: 80}]
            """);

        var wait = await _kit.KubectlAsync("wait", "--for=jsonpath={.status.loadBalancer.ingress[0].ip}", "service/gateway", "-n", ns, "--timeout=10s");
        var ip = await _kit.KubectlAsync("get", "service/gateway", "-n", ns, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip} {.spec.ports[0].nodePort}");

        Assert.True(wait.ExitCode == 0, wait.Output);
        var parts = ip.Output.Split(' ');
        var address = System.Net.IPAddress.Parse(parts[0]);
        Assert.True(System.Net.IPAddress.IsLoopback(address), $"{address} is on the loopback range");
        Assert.NotEqual(fixture.Cluster.Network.NodeAddress, address);
        Assert.InRange(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), 30000, 32767);
    }

    [Fact]
    public async Task Kubectl_rollout_status_finishes_for_stateful_sets_and_daemon_sets()
    {
        var ns = await _kit.NamespaceAsync("sets");
        const string template = """
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres:17}]}
            """;
        await _kit.ApplyAsync(ns, $$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              replicas: 2
              serviceName: db
            {{template}}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
            {{template}}
            """);

        var statefulSet = await _kit.KubectlAsync("rollout", "status", "statefulset/db", "-n", ns, "--timeout=10s");
        var daemonSet = await _kit.KubectlAsync("rollout", "status", "daemonset/agent", "-n", ns, "--timeout=10s");

        Assert.True(statefulSet.ExitCode == 0, statefulSet.Output);
        // The server defaults rollingUpdate.partition to 0, so kubectl reports a partitioned roll out, as on a real cluster.
        Assert.Contains("partitioned roll out complete: 2 new pods have been updated", statefulSet.Output);
        Assert.True(daemonSet.ExitCode == 0, daemonSet.Output);
        Assert.Contains("daemon set \"agent\" successfully rolled out", daemonSet.Output);
        Assert.Null(fixture.Cluster.ControllerError);
    }

    private List<JsonObject> Items(string kind, string ns) =>
        [.. Store.List(ObjectStore.Kind(kind), ns, LabelSelector.Parse(null), _ => true)["items"]!.AsArray().OfType<JsonObject>()];

    // The number of ready endpoints once it equals want, or what it was after 5 s.
    private async Task<int> ReadyEndpointsAsync(string ns, int want)
    {
        var ready = -1;
        for (var attempt = 0; attempt < 100 && ready != want; attempt++)
        {
            ready = Items("EndpointSlice", ns).SelectMany(s => s["endpoints"]!.AsArray()).Count(e => (bool)e!["conditions"]!["ready"]!);
            if (ready != want)
            {
                await Task.Delay(50);
            }
        }

        return ready;
    }
}
