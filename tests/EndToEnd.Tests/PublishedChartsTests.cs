using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The whole chain with DNS on, twice, on the published charts (<see cref="PublishedCharts"/>) instead of
/// the fixture charts: built, then re-run with proofs on-change. Nothing happens where the charts cannot be had.
/// </summary>
public sealed class PublishedMesh : IAsyncLifetime
{
    public const string Domain = "mesh.example.com";

    public SimulatedMesh Mesh { get; private set; } = null!;

    public PipelineRun First { get; private set; } = null!;

    public ReportedRun Second { get; private set; } = null!;

    public TimeSpan Elapsed { get; private set; }

    public async Task InitializeAsync()
    {
        if (PublishedCharts.Directory is not { } charts)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        Mesh = await SimulatedMesh.StartAsync(charts);
        string[] args = [.. PublishedCharts.VersionArguments, "--dns-provider=inmemory", $"--domain={Domain}"];
        First = Mesh.Run(args);
        var report = Path.Combine(Path.GetDirectoryName(Mesh.Kubeconfig)!, "second.json");
        var before = Mesh.Cluster.Requests.Records.Count;
        var second = Mesh.Run([.. args, "--proofs=on-change", $"--report={report}"]);
        Second = new ReportedRun(
            second,
            File.Exists(report) ? JsonNode.Parse(File.ReadAllText(report))!.AsObject() : null,
            [.. Mesh.Cluster.Requests.Records.Skip(before)]);
        Elapsed = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
    }
}

/// <summary>Issue 12: the chain on the charts as their projects publish them, checked as a user would.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PublishedChartsTests(PublishedMesh published, ITestOutputHelper output) : IClassFixture<PublishedMesh>
{
    private static readonly string[] Tasks =
        ["ConfigureExternalDns", "InstallIstioInit", "InstallIstio", "ConfigureGateway", "DeployMailHog", "EnforceMtls", "VerifyDashboards"];

    private SimulatedMesh Mesh => published.Mesh;

    [PublishedChartsFact]
    public void The_whole_chain_succeeds_task_by_task_on_the_published_charts()
    {
        output.WriteLine($"charts: {PublishedCharts.Origin}; both runs took {published.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(published.First.Output);
        Assert.True(published.First.ExitCode == 0, published.First.ToString());
        foreach (var task in Tasks)
        {
            Assert.Matches($@"{task}\s+\S+\s+Succeeded", published.First.Output);
        }
    }

    [PublishedChartsFact]
    public void A_second_run_sends_no_mutating_request_and_finds_every_release_already_right()
    {
        var second = published.Second;

        Assert.True(second.ExitCode == 0, second.ToString());
        foreach (var task in Tasks)
        {
            Assert.Matches($@"{task}\s+\S+\s+Succeeded", second.Output);
        }

        Assert.True(second.Mutating.Count == 0, "mutating requests on a converged cluster:" + Environment.NewLine + second.Describe(second.Mutating) + Environment.NewLine + second);
        var items = second.Items.Where(item => item.Kind is "release" or "object").ToList();
        Assert.Equal(PublishedCharts.Versions.Count, items.Count(item => item.Kind == "release"));
        Assert.All(items, item => Assert.True(item.Outcome == "unchanged", $"{item.Task}: {item.Kind} {item.Name} is {item.Outcome} ({item.Detail})"));
        foreach (var (component, version) in PublishedCharts.Versions)
        {
            Assert.Contains($"{component.Namespace}/{component.Release}: already right ({component.Chart}-{version}", second.Output, StringComparison.Ordinal);
        }
    }

    [PublishedChartsFact]
    public void Helm_lists_every_release_deployed_at_its_published_chart_version()
    {
        var releases = JsonNode.Parse(Mesh.Helm("list", "--all-namespaces", "-o", "json"))!.AsArray()
            .ToDictionary(release => (string)release!["name"]!, release => release!);

        foreach (var (component, version) in PublishedCharts.Versions)
        {
            Assert.True(releases.TryGetValue(component.Release, out var release), $"release {component.Release} missing; helm list has {string.Join(", ", releases.Keys)}");
            Assert.Equal(
                (component.Namespace, $"{component.Chart}-{version}", "deployed"),
                ((string?)release["namespace"], (string?)release["chart"], (string?)release["status"]));
        }
    }

    [PublishedChartsFact]
    public void Every_Istio_CRD_the_base_chart_defines_is_established()
    {
        var crds = Mesh.KubectlJson("get", "crd")["items"]!.AsArray()
            .Where(crd => ((string)crd!["metadata"]!["name"]!).EndsWith(".istio.io", StringComparison.Ordinal))
            .ToList();

        // The base chart of 1.30 defines the 14 CRDs of networking, security, telemetry and extensions.
        Assert.True(crds.Count >= 14, $"{crds.Count} Istio CRDs: " + string.Join(", ", crds.Select(crd => (string)crd!["metadata"]!["name"]!)));
        Assert.All(crds, crd => Assert.Contains(
            crd!["status"]!["conditions"]!.AsArray(),
            condition => (string?)condition!["type"] == "Established" && (string?)condition["status"] == "True"));
    }

    [PublishedChartsFact]
    public void The_objects_the_real_charts_define_are_there_as_kubectl_lists_them()
    {
        string[] Names(string kinds, string ns) =>
            Mesh.Kubectl("get", kinds, "-n", ns, "-o", "name").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var istio = Names("deployment,hpa,service,networkpolicy,configmap,serviceaccount", "istio-system");
        var ingress = Names("deployment,hpa,service,serviceaccount", "istio-ingress");
        var dns = Names("deployment,serviceaccount", "external-dns");
        var cluster = Mesh.Kubectl("get", "mutatingwebhookconfiguration,validatingwebhookconfiguration,clusterrole", "-o", "name").Split('\n');

        string[] wanted =
        [
            // No PodDisruptionBudget: istiod's chart makes one only for more than one replica (autoscaleMin > 1).
            "deployment.apps/istiod", "horizontalpodautoscaler.autoscaling/istiod", "service/istiod",
            "configmap/istio", "configmap/istio-sidecar-injector",
            "deployment.apps/prometheus", "deployment.apps/grafana", "deployment.apps/kiali", "deployment.apps/jaeger",
            "networkpolicy.networking.k8s.io/kiali",
            "service/prometheus", "service/grafana", "service/kiali", "service/jaeger",
        ];
        Assert.True(wanted.Except(istio).ToList() is [], $"missing in istio-system: {string.Join(", ", wanted.Except(istio))}; there: {string.Join(", ", istio)}");
        string[] gateway =
        [
            "deployment.apps/istio-ingressgateway", "horizontalpodautoscaler.autoscaling/istio-ingressgateway", "service/istio-ingressgateway",
            "serviceaccount/istio-ingressgateway",
        ];
        Assert.True(gateway.Except(ingress).ToList() is [], $"missing in istio-ingress: {string.Join(", ", gateway.Except(ingress))}; there: {string.Join(", ", ingress)}");
        Assert.Contains("deployment.apps/external-dns", dns);
        Assert.Contains("mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-sidecar-injector", cluster);
        Assert.Contains("validatingwebhookconfiguration.admissionregistration.k8s.io/istio-validator-istio-system", cluster);
        Assert.Contains("clusterrole.rbac.authorization.k8s.io/istiod-clusterrole-istio-system", cluster);
    }

    [PublishedChartsFact]
    public void Kubectl_lists_every_object_of_every_release_manifest()
    {
        foreach (var (component, _) in PublishedCharts.Versions)
        {
            var manifest = Mesh.Helm("get", "manifest", component.Release, "-n", component.Namespace);
            var file = Path.Combine(Path.GetDirectoryName(Mesh.Kubeconfig)!, $"{component.Release}.yaml");
            File.WriteAllText(file, manifest);

            var listed = Mesh.Kubectl("get", "-f", file, "-n", component.Namespace, "-o", "name").Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(manifest.Split('\n').Count(line => line.StartsWith("kind: ", StringComparison.Ordinal)), listed.Length);
        }
    }

    [PublishedChartsFact]
    public void The_gateway_and_the_dashboards_run_the_published_images()
    {
        string Image(string deployment, string ns) =>
            Mesh.Kubectl("get", "deployment", deployment, "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}");

        Assert.Equal($"docker.io/istio/pilot:{PublishedCharts.IstioVersion}", Image("istiod", "istio-system"));
        Assert.Contains("v2.29.0", Image("kiali", "istio-system"), StringComparison.Ordinal);
        var gateway = Mesh.KubectlJson("get", "pods", "-n", "istio-ingress", "-l", "istio=ingressgateway")["items"]!.AsArray();
        Assert.NotEmpty(gateway);
        Assert.All(gateway, pod => Assert.Equal(
            $"docker.io/istio/proxyv2:{PublishedCharts.IstioVersion}",
            (string?)pod!["spec"]!["containers"]!.AsArray().Single(container => (string?)container!["name"] == "istio-proxy")!["image"]));
    }
}
