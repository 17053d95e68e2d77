using Cake.Core.IO;
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
public sealed class FixtureChartTests(ProvisionedTools tools)
{
    private readonly TestCakeContext _context = Context(tools);

    public static TheoryData<string> Charts => new(
        Directory.GetDirectories(Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "tests", "charts")).Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Charts))]
    public void Each_fixture_chart_passes_strict_lint(string chart)
    {
        var report = _context.HelmLint(ChartPath(chart), new HelmLintSettings { Strict = true });

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", report.Text, StringComparison.Ordinal);
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
