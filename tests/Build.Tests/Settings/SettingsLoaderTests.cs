using Mesh.Build.Hosting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tests.Settings;

public sealed class SettingsLoaderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Without_configuration_the_defaults_of_the_design_apply()
    {
        var settings = Load();

        Assert.Equal("1.31.1", settings.IstioVersion);
        Assert.Null(settings.IstioRevision);
        Assert.Null(settings.Kubeconfig);
        Assert.False(settings.DnsEnabled);
        Assert.Equal(TlsMode.SelfSigned, settings.TlsMode);
        Assert.Equal(MtlsMode.Strict, settings.MtlsMode);
        Assert.Equal(MtlsScope.Mesh, settings.MtlsScope);
        Assert.Equal(["prometheus", "grafana", "kiali", "jaeger"], settings.Dashboards);
        Assert.Equal("1.31.1", settings.Charts["istiod"].Version);
        Assert.Equal("https://blob.istio.io/istio-release/charts", settings.Charts["istiod"].Repository);
        Assert.Equal("1.21.1", settings.Charts["external-dns"].Version);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.WaitTimeout);
        Assert.All(settings.Values.Values, value => Assert.Equal("default", value.Source));
    }

    [Fact]
    public void Later_layers_win_file_then_environment_then_arguments()
    {
        _root.Write("mesh.yaml", """
            istio-version: 1.30.5
            mtls-mode: PERMISSIVE
            mailhog-namespace: from-file
            domain: file.example.com
            """);

        var settings = Load(
            environment: new() { ["MESH_MTLS_MODE"] = "STRICT", ["MESH_MAILHOG_NAMESPACE"] = "from-env" },
            arguments: [new("mailhog-namespace", "from-args")]);

        Assert.Equal("1.30.5", settings.IstioVersion);
        Assert.Equal(new SettingValue("1.30.5", "mesh.yaml:1"), settings.Values["istio-version"]);
        Assert.Equal(MtlsMode.Strict, settings.MtlsMode);
        Assert.Equal("MESH_MTLS_MODE", settings.Values["mtls-mode"].Source);
        Assert.Equal("from-args", settings.MailHogNamespace);
        Assert.Equal("--mailhog-namespace", settings.Values["mailhog-namespace"].Source);
        Assert.Equal("file.example.com", settings.Domain);
        Assert.Equal("1.30.5", settings.Charts["base"].Version);
    }

    [Fact]
    public void The_last_of_repeated_arguments_wins()
    {
        var settings = Load(arguments: [new("istio-version", "1.30.0"), new("istio-version", "1.31.0")]);

        Assert.Equal("1.31.0", settings.IstioVersion);
    }

    [Fact]
    public void A_config_argument_reads_another_file_and_its_relative_paths_are_relative_to_it()
    {
        var charts = Directory.CreateDirectory(Path.Combine(_root.Path, "elsewhere", "charts")).FullName;
        _root.Write("elsewhere/cluster-a.yaml", """
            chart-dir: charts
            dashboards: [kiali, prometheus]
            """);

        var settings = Load(arguments: [new("config", "elsewhere/cluster-a.yaml")]);

        Assert.Equal(charts, settings.ChartDirectory);
        Assert.Equal(["kiali", "prometheus"], settings.Dashboards);
        Assert.Equal("cluster-a.yaml:1", settings.Values["chart-dir"].Source);
    }

    [Fact]
    public void Relative_paths_from_arguments_are_relative_to_the_working_directory()
    {
        var kubeconfig = _root.Write("kube/config", "apiVersion: v1\nkind: Config\n");

        var settings = Load(arguments: [new("kubeconfig", "kube/config")]);

        Assert.Equal(kubeconfig, settings.Kubeconfig);
    }

    [Fact]
    public void Chart_overrides_replace_repository_and_version()
    {
        var settings = Load(arguments: [new("istiod-chart-repo", "oci://mirror.example.com/istio/charts"), new("kiali-chart-version", "2.30.0")]);

        Assert.Equal("oci://mirror.example.com/istio/charts", settings.Charts["istiod"].Repository);
        Assert.Equal("2.30.0", settings.Charts["kiali"].Version);
        Assert.Equal("kiali-server", settings.Charts["kiali"].Chart);
    }

    [Fact]
    public void Enumerations_accept_any_case()
    {
        var settings = Load(arguments: [new("mtls-mode", "permissive"), new("gateway-service-type", "nodeport"), new("tls-mode", "EXISTING-SECRET")]);

        Assert.Equal(MtlsMode.Permissive, settings.MtlsMode);
        Assert.Equal("NodePort", settings.GatewayServiceType);
        Assert.Equal(TlsMode.ExistingSecret, settings.TlsMode);
    }

    [Fact]
    public void Dashboards_none_means_an_empty_list()
    {
        Assert.Empty(Load(arguments: [new("dashboards", "none")]).Dashboards);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        _root.Write("mesh.yaml", "mtls-scop: mesh\n");

        var exception = Assert.Throws<InvalidInputException>(() => Load(
            environment: new() { ["MESH_ISTIO_VERSON"] = "1.31.1" },
            arguments: [new("istio-version", "banana"), new("mtls-mode", "LOOSE")]));

        Assert.Equal(4, exception.Problems.Count);
        Assert.Contains(exception.Problems, problem => problem.Contains("mesh.yaml:1: unknown setting 'mtls-scop' (did you mean 'mtls-scope'?)"));
        Assert.Contains(exception.Problems, problem => problem.Contains("MESH_ISTIO_VERSON: unknown setting (did you mean 'MESH_ISTIO_VERSION'?)"));
        Assert.Contains("istio-version (from --istio-version): 'banana' is not a semantic version such as 1.31.1.", exception.Problems);
        Assert.Contains("mtls-mode (from --mtls-mode): 'LOOSE' is not one of STRICT, PERMISSIVE.", exception.Problems);
    }

    [Fact]
    public void Secrets_are_redacted_when_settings_are_described()
    {
        var settings = Load(arguments: [new("chart-repo-password", "hunter2-very-secret")]);

        var description = settings.Describe();

        Assert.DoesNotContain("hunter2-very-secret", description);
        Assert.Matches(@"chart-repo-password\s+\(redacted\)\s+--chart-repo-password", description);
        Assert.Equal("hunter2-very-secret", settings.ChartRepositoryPassword);
    }

    [Fact]
    public void A_file_that_is_not_yaml_is_reported_with_its_position()
    {
        _root.Write("mesh.yaml", "istio-version: [1.31.1\n");

        var exception = Assert.Throws<InvalidInputException>(() => Load());

        Assert.Contains("mesh.yaml:", Assert.Single(exception.Problems));
        Assert.Contains("not valid YAML", exception.Problems[0]);
    }

    [Theory]
    [InlineData("", "curlimages/curl:8.11.1", "curlimages/curl:8.11.1")]
    [InlineData("registry.example:5000/mirror", "curlimages/curl:8.11.1", "registry.example:5000/mirror/curlimages/curl:8.11.1")]
    [InlineData("registry.example", "registry.k8s.io/pause:3.10", "registry.example/pause:3.10")]
    [InlineData("registry.example", "axllent/mailpit:v1.26.1", "registry.example/axllent/mailpit:v1.26.1")]
    public void Image_registry_rewrites_the_images_we_pin(string registry, string image, string expected)
    {
        var settings = Load(environment: new Dictionary<string, string> { ["MESH_IMAGE_REGISTRY"] = registry });

        Assert.Equal(expected, settings.Image(image));
    }

    private MeshSettings Load(Dictionary<string, string>? environment = null, List<KeyValuePair<string, string>>? arguments = null) =>
        SettingsLoader.Load(new SettingsSources(_root.Path, _root.Path, environment ?? [], arguments ?? [], HostArguments.OptionAliases.Keys.ToList()));
}
