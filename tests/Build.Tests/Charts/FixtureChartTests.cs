using System.Text.Json.Nodes;
using Cake.Core.IO;
using Mesh.Build.Manifests;
using Mesh.Build.Tests.Tools;
using Mesh.Build.Tests.Tools.Provisioning;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;
using Path = System.IO.Path;

namespace Mesh.Build.Tests.Charts;

/// <summary>
/// The fixture charts under tests/charts stand in for the official ones in the end-to-end tests, so they
/// must be valid charts with the official names, and render what the pipeline relies on.
/// </summary>
[Collection(ProvisionedToolsCollection.Name)]
public sealed class FixtureChartTests(ProvisionedTools tools) : IDisposable
{
    private const string IstioNamespace = "istio-system";

    private readonly ProvisionedTools _tools = tools;
    private readonly TestCakeContext _context = Context(tools);
    private readonly TempDirectory _scratch = new();

    public static TheoryData<string> Charts => new(
        Directory.GetDirectories(Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "tests", "charts")).Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Charts))]
    public void Each_fixture_chart_passes_strict_lint(string chart)
    {
        var report = _tools.RunHelm("lint", ChartPath(chart), "--strict");

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_renders_the_Istio_CRDs_labelled_as_part_of_istio()
    {
        var manifests = _context.HelmTemplate("istio-base", ChartPath("base"), new HelmTemplateSettings { Namespace = "istio-system" });

        foreach (var crd in new[] { "peerauthentications.security.istio.io", "gateways.networking.istio.io", "virtualservices.networking.istio.io", "telemetries.telemetry.istio.io" })
        {
            Assert.Contains($"name: {crd}", manifests, StringComparison.Ordinal);
        }

        Assert.Equal(4, Count(manifests, "app.kubernetes.io/part-of: istio"));
    }

    [Fact]
    public void Istiod_names_its_resources_after_the_revision_when_one_is_set()
    {
        var revisionless = _context.HelmTemplate("istiod", ChartPath("istiod"), new HelmTemplateSettings { Namespace = "istio-system" });
        var settings = new HelmTemplateSettings { Namespace = "istio-system" };
        settings.Values["revision"] = "1-31-1";
        var revisioned = _context.HelmTemplate("istiod", ChartPath("istiod"), settings);

        Assert.Contains("name: istio-sidecar-injector\n", revisionless, StringComparison.Ordinal);
        Assert.Contains("values: [\"enabled\"]", revisionless, StringComparison.Ordinal);
        Assert.Contains("name: istio-sidecar-injector-1-31-1\n", revisioned, StringComparison.Ordinal);
        Assert.Contains("name: istiod-1-31-1\n", revisioned, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_release_istio_ingressgateway_selects_istio_ingressgateway_with_the_service_type_asked_for()
    {
        var settings = new HelmTemplateSettings { Namespace = "istio-ingress" };
        settings.Values["service.type"] = "NodePort";

        var manifests = _context.HelmTemplate("istio-ingressgateway", ChartPath("gateway"), settings);

        Assert.Contains("istio: ingressgateway", manifests, StringComparison.Ordinal);
        Assert.Contains("type: NodePort", manifests, StringComparison.Ordinal);
        Assert.Contains("sidecar.istio.io/inject: \"true\"", manifests, StringComparison.Ordinal);
    }

    [Fact]
    public void External_dns_turns_its_values_into_arguments_and_may_read_istio_resources()
    {
        var settings = new HelmTemplateSettings { Namespace = "external-dns" };
        settings.Values["provider.name"] = "inmemory";
        settings.Values["txtOwnerId"] = "istio-mesh";
        settings.Values["sources"] = "{service,istio-gateway,istio-virtualservice}";
        settings.Values["domainFilters"] = "{mesh.example.com}";

        var manifests = _context.HelmTemplate("external-dns", ChartPath("external-dns"), settings);

        foreach (var argument in new[] { "--source=istio-gateway", "--source=istio-virtualservice", "--provider=inmemory", "--policy=upsert-only", "--txt-owner-id=istio-mesh", "--domain-filter=mesh.example.com" })
        {
            Assert.Contains($"- {argument}\n", manifests, StringComparison.Ordinal);
        }

        Assert.Contains("resources: [\"gateways\", \"virtualservices\"]", manifests, StringComparison.Ordinal);
    }

    /// <summary>
    /// Each dashboard as the pipeline installs it (chart, release, our values file) and what a user reaches:
    /// the Deployment, the Service, its UI port, and the port and path of its health endpoint.
    /// </summary>
    public static TheoryData<string, string, string, string, int, int, string> Dashboards => new()
    {
        { "prometheus", "prometheus", "prometheus.yaml", "prometheus", 9090, 9090, "/-/ready" },
        { "grafana", "grafana", "grafana.yaml", "grafana", 3000, 3000, "/api/health" },
        { "kiali-server", "kiali", "kiali.yaml", "kiali", 20001, 20001, "/kiali/healthz" },
        { "jaeger", "jaeger", "jaeger.yaml", "jaeger", 16686, 13133, "/status" },
    };

    [Theory]
    [InlineData("prometheus", "prometheus.yaml")]
    [InlineData("grafana", "grafana.yaml")]
    [InlineData("kiali-server", "kiali.yaml")]
    [InlineData("jaeger", "jaeger.yaml")]
    public void Dashboard_chart_passes_strict_lint_with_our_values(string chart, string values)
    {
        var report = _tools.RunHelm("lint", ChartPath(chart), "-f", OurValues(values), "--strict");

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", report, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_serves_its_ui_and_a_health_endpoint_its_pods_are_ready_on_without_a_sidecar(
        string chart, string release, string values, string name, int uiPort, int healthPort, string healthPath)
    {
        var objects = Render(chart, release, values);

        var deployment = Single(objects, "Deployment", name);
        var service = Single(objects, "Service", name);
        var pod = deployment["spec"]!["template"]!.AsObject();
        var podLabels = pod["metadata"]!["labels"]!.AsObject();
        Assert.Equal("false", (string?)podLabels["sidecar.istio.io/inject"]);
        Assert.All(service["spec"]!["selector"]!.AsObject(), label => Assert.Equal((string?)label.Value, (string?)podLabels[label.Key]));

        var ports = service["spec"]!["ports"]!.AsArray().Select(port => port!.AsObject()).ToList();
        Assert.Contains(ports, port => (long)port["port"]! == uiPort);
        var health = Assert.Single(ports, port => (long)port["port"]! == healthPort);
        var container = Assert.Single(
            pod["spec"]!["containers"]!.AsArray().Select(c => c!.AsObject()),
            c => c["readinessProbe"] is not null && ContainerPort(c, c["readinessProbe"]!["httpGet"]!["port"]!) == ContainerPort(c, health["targetPort"] ?? health["port"]!));
        Assert.Equal(healthPath, (string?)container["readinessProbe"]!["httpGet"]!["path"]);
    }

    [Fact]
    public void Prometheus_scrapes_every_15s_and_keeps_its_data_without_a_volume_claim()
    {
        var objects = Render("prometheus", "prometheus", "prometheus.yaml");

        var config = Yaml((string)Single(objects, "ConfigMap", "prometheus")["data"]!["prometheus.yml"]!);
        Assert.Equal("15s", (string?)config["global"]!["scrape_interval"]);
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "PersistentVolumeClaim");
    }

    [Fact]
    public void Grafana_reads_prometheus_shows_istio_dashboards_in_an_istio_folder_and_lets_anonymous_viewers_in()
    {
        var objects = Render("grafana", "grafana", "grafana.yaml");
        var data = Single(objects, "ConfigMap", "grafana")["data"]!;

        var datasource = Assert.Single(Yaml((string)data["datasources.yaml"]!)["datasources"]!.AsArray())!;
        Assert.Equal("prometheus", (string?)datasource["type"]);
        Assert.Equal("http://prometheus.istio-system:9090", (string?)datasource["url"]);
        var provider = Assert.Single(Yaml((string)data["dashboardproviders.yaml"]!)["providers"]!.AsArray())!;
        Assert.Equal("istio", (string?)provider["folder"]);
        var download = (string)data["download_dashboards.sh"]!;
        foreach (var dashboard in new[] { 7639, 7636, 7630, 11829, 7645 })
        {
            Assert.Matches($@"curl .*https://grafana\.com/api/dashboards/{dashboard}/revisions/.* > ""{(string?)provider["options"]!["path"]}/[a-z-]+\.json""", download);
        }

        var ini = (string)data["grafana.ini"]!;
        Assert.Matches(@"\[auth\.anonymous\]\s+enabled = true\s+org_role = Viewer", ini);
    }

    [Fact]
    public void Kiali_lets_anonymous_users_in_and_reads_prometheus_grafana_and_jaeger_query_over_grpc()
    {
        var objects = Render("kiali-server", "kiali", "kiali.yaml");

        var config = Yaml((string)Single(objects, "ConfigMap", "kiali")["data"]!["config.yaml"]!);
        Assert.Equal("anonymous", (string?)config["auth"]!["strategy"]);
        var services = config["external_services"]!;
        Assert.Equal("http://prometheus.istio-system:9090", (string?)services["prometheus"]!["url"]);
        Assert.True((bool)services["grafana"]!["enabled"]!);
        Assert.Equal("http://grafana.istio-system:3000", (string?)services["grafana"]!["internal_url"]);
        Assert.True((bool)services["tracing"]!["enabled"]!);
        Assert.True((bool)services["tracing"]!["use_grpc"]!);
        Assert.Equal("http://jaeger.istio-system:16685", (string?)services["tracing"]!["internal_url"]);
    }

    [Fact]
    public void Every_url_our_values_wire_between_dashboards_names_a_service_port_one_of_them_creates()
    {
        var installed = new[] { ("prometheus", "prometheus", "prometheus.yaml"), ("grafana", "grafana", "grafana.yaml"), ("kiali-server", "kiali", "kiali.yaml"), ("jaeger", "jaeger", "jaeger.yaml") }
            .SelectMany(dashboard => Render(dashboard.Item1, dashboard.Item2, dashboard.Item3))
            .ToList();
        var services = installed.Where(o => (string?)o["kind"] == "Service").ToList();
        var grafana = Yaml((string)Single(installed, "ConfigMap", "grafana")["data"]!["datasources.yaml"]!);
        var kiali = Yaml((string)Single(installed, "ConfigMap", "kiali")["data"]!["config.yaml"]!)["external_services"]!;
        var urls = new[]
        {
            (string)grafana["datasources"]![0]!["url"]!,
            (string)kiali["prometheus"]!["url"]!,
            (string)kiali["grafana"]!["internal_url"]!,
            (string)kiali["tracing"]!["internal_url"]!,
        };

        Assert.All(urls, url =>
        {
            var uri = new Uri(url);
            var service = Assert.Single(services, s => $"{s["metadata"]!["name"]}.{s["metadata"]!["namespace"]}" == uri.Host);
            Assert.Contains(service["spec"]!["ports"]!.AsArray(), port => (long)port!["port"]! == uri.Port);
        });
    }

    [Fact]
    public void Jaeger_receives_otlp_grpc_on_its_service_port_4317()
    {
        var objects = Render("jaeger", "jaeger", "jaeger.yaml");

        var ports = Single(objects, "Service", "jaeger")["spec"]!["ports"]!.AsArray();
        var otlp = Assert.Single(ports, port => (string?)port!["name"] == "otlp-grpc")!;
        Assert.Equal(4317L, (long)otlp["port"]!);
        Assert.Equal("grpc", (string?)otlp["appProtocol"]);
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>Our values file for a dashboard, filled in as the pipeline does, written where helm can read it.</summary>
    private string OurValues(string file)
    {
        var values = ManifestTemplate.RenderOne(
            Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "manifests", "values", file),
            new Dictionary<string, object?> { ["istio-namespace"] = IstioNamespace });
        return _scratch.Write($"{file}.json", values.ToJsonString());
    }

    private List<JsonObject> Render(string chart, string release, string values)
    {
        var settings = new HelmTemplateSettings { Namespace = IstioNamespace };
        settings.ValuesFiles.Add(OurValues(values));
        return Yamls(_context.HelmTemplate(release, ChartPath(chart), settings)).ToList();
    }

    /// <summary>Helm's output (or a file it embeds) read as JSON: plain YAML without placeholders, as our manifests are.</summary>
    private IReadOnlyList<JsonObject> Yamls(string yaml) =>
        ManifestTemplate.Render(_scratch.Write($"{Guid.NewGuid():N}.yaml", yaml), new Dictionary<string, object?>());

    private JsonObject Yaml(string yaml) => Assert.Single(Yamls(yaml));

    private static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    /// <summary>The container port a probe or a Service's targetPort means: a number, or the name of one of the container's ports.</summary>
    private static long ContainerPort(JsonObject container, JsonNode port) =>
        port.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? (long)port
            : (long)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == (string?)port)!["containerPort"]!;

    private static TestCakeContext Context(ProvisionedTools tools)
    {
        var context = new TestCakeContext(log: new FakeLog());
        RepositoryTools.Register(context, new DirectoryPath(tools.Root));
        return context;
    }

    private static string ChartPath(string chart) =>
        Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "tests", "charts", chart);

    private static int Count(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
