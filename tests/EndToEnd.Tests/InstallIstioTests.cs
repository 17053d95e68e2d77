using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 6: ConfigureExternalDns, InstallIstioInit and InstallIstio on the simulated cluster, checked as a user would.</summary>
[Trait("Category", "EndToEnd")]
[Collection(InstalledIstioCollection.Name)]
public sealed class InstallIstioTests(InstalledIstio installed)
{
    private SimulatedMesh Mesh => installed.Mesh;

    [Fact]
    public void The_first_half_of_the_chain_succeeds()
    {
        Assert.True(installed.First.ExitCode == 0, installed.First.ToString());
    }

    [Fact]
    public void Helm_lists_every_release_deployed_in_its_namespace()
    {
        var releases = JsonNode.Parse(Mesh.Helm("list", "--all-namespaces", "-o", "json"))!.AsArray()
            .ToDictionary(release => (string)release!["name"]!, release => release!);

        foreach (var (name, ns, chart) in new[]
        {
            ("external-dns", "external-dns", "external-dns-1.21.1"),
            ("istio-base", "istio-system", "base-1.31.1"),
            ("istiod", "istio-system", "istiod-1.31.1"),
            ("istio-ingressgateway", "istio-ingress", "gateway-1.31.1"),
            ("prometheus", "istio-system", "prometheus-28.13.0"),
            ("grafana", "istio-system", "grafana-11.6.1"),
            ("kiali", "istio-system", "kiali-server-2.29.0"),
            ("jaeger", "istio-system", "jaeger-4.11.1"),
        })
        {
            Assert.True(releases.ContainsKey(name), $"release {name} missing; helm list has {string.Join(", ", releases.Keys)}");
            Assert.Equal(ns, (string?)releases[name]["namespace"]);
            Assert.Equal(chart, (string?)releases[name]["chart"]);
            Assert.Equal("deployed", (string?)releases[name]["status"]);
        }
    }

    [Fact]
    public void Every_Istio_CRD_is_established()
    {
        var crds = Mesh.KubectlJson("get", "crd", "-l", "app.kubernetes.io/part-of=istio")["items"]!.AsArray();

        Assert.NotEmpty(crds);
        Assert.All(crds, crd => Assert.Contains(
            crd!["status"]!["conditions"]!.AsArray(),
            condition => (string?)condition!["type"] == "Established" && (string?)condition["status"] == "True"));
    }

    [Theory]
    [InlineData("istio-system", "istiod")]
    [InlineData("istio-ingress", "istio-ingressgateway")]
    [InlineData("external-dns", "external-dns")]
    [InlineData("istio-system", "prometheus")]
    [InlineData("istio-system", "grafana")]
    [InlineData("istio-system", "kiali")]
    [InlineData("istio-system", "jaeger")]
    public void Deployments_are_available(string ns, string name)
    {
        var deployment = Mesh.KubectlJson("get", "deployment", name, "-n", ns);

        Assert.Contains(
            deployment["status"]!["conditions"]!.AsArray(),
            condition => (string?)condition!["type"] == "Available" && (string?)condition["status"] == "True");
    }

    [Fact]
    public void The_sidecar_injector_webhook_is_present_and_the_gateway_pods_are_injected()
    {
        Assert.Contains("istio-sidecar-injector", Mesh.Kubectl("get", "mutatingwebhookconfiguration", "-o", "name"), StringComparison.Ordinal);
        var pods = Mesh.KubectlJson("get", "pods", "-n", "istio-ingress", "-l", "istio=ingressgateway")["items"]!.AsArray();

        Assert.NotEmpty(pods);
        Assert.All(pods, pod => Assert.Contains(pod!["spec"]!["containers"]!.AsArray(), container => (string?)container!["name"] == "istio-proxy"));
    }

    [Fact]
    public void The_gateway_is_a_LoadBalancer_and_its_address_is_reported()
    {
        var service = Mesh.KubectlJson("get", "service", "istio-ingressgateway", "-n", "istio-ingress");
        var address = (string?)service["status"]!["loadBalancer"]!["ingress"]![0]!["ip"];

        Assert.Equal("LoadBalancer", (string?)service["spec"]!["type"]);
        Assert.Contains($"ingress gateway address: {address} (load balancer)", installed.First.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Istiod_gets_the_mesh_config_from_the_settings()
    {
        var values = JsonNode.Parse(Mesh.Helm("get", "values", "istiod", "-n", "istio-system", "-o", "json"))!;

        Assert.Equal("/dev/stdout", (string?)values["meshConfig"]!["accessLogFile"]);
        Assert.True((bool)values["meshConfig"]!["enableTracing"]!);
        Assert.Equal("jaeger.istio-system.svc.cluster.local", (string?)values["meshConfig"]!["extensionProviders"]![0]!["opentelemetry"]!["service"]);
    }

    [Fact]
    public void The_dashboards_are_wired_to_each_other_and_traces_go_to_jaeger()
    {
        var grafana = Mesh.KubectlJson("get", "configmap", "grafana", "-n", "istio-system")["data"]!["datasources.yaml"]!.ToString();
        var kiali = Mesh.KubectlJson("get", "configmap", "kiali", "-n", "istio-system")["data"]!["config.yaml"]!.ToString();
        var telemetry = Mesh.KubectlJson("get", "telemetry.telemetry.istio.io", "mesh-default", "-n", "istio-system");

        Assert.Contains("http://prometheus.istio-system:9090", grafana, StringComparison.Ordinal);
        Assert.Contains("http://prometheus.istio-system:9090", kiali, StringComparison.Ordinal);
        Assert.Contains("http://grafana.istio-system:3000", kiali, StringComparison.Ordinal);
        Assert.Contains("http://jaeger.istio-system:16685", kiali, StringComparison.Ordinal);
        Assert.Equal("jaeger", (string?)telemetry["spec"]!["tracing"]![0]!["providers"]![0]!["name"]);
        Assert.Equal(100, (double)telemetry["spec"]!["tracing"]![0]!["randomSamplingPercentage"]!);
    }

    [Fact]
    public void External_dns_runs_with_the_provider_domain_sources_owner_and_policy()
    {
        var args = Mesh.KubectlJson("get", "deployment", "external-dns", "-n", "external-dns")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(arg => (string)arg!).ToList();

        Assert.Contains("--provider=inmemory", args);
        Assert.Contains($"--domain-filter={InstalledIstio.Domain}", args);
        Assert.Contains("--source=service", args);
        Assert.Contains("--source=istio-gateway", args);
        Assert.Contains("--source=istio-virtualservice", args);
        Assert.Contains("--txt-owner-id=istio-mesh", args);
        Assert.Contains("--policy=upsert-only", args);
    }

    [Fact]
    public void A_second_run_on_the_converged_cluster_writes_nothing_and_says_so()
    {
        Assert.True(installed.Second.ExitCode == 0, installed.Second.ToString());
        Assert.True(
            installed.Second.Writes.Count == 0,
            "writes on a converged cluster: " + string.Join(Environment.NewLine, installed.Second.Writes.Select(write => $"{write.Verb} {write.Path}?{write.Query}")));
        Assert.Contains("istio-system/istiod: already right (istiod-1.31.1, revision 1)", installed.Second.Output, StringComparison.Ordinal);
        Assert.Contains("namespace/istio-ingress: already right", installed.Second.Output, StringComparison.Ordinal);
    }
}
