namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 6: a chart that cannot be found, a version that does not exist, a missing credentials Secret:
/// each a clear error, with nothing installed.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class BadChartSourceTests : IAsyncLifetime
{
    private SimulatedMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SimulatedMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void A_chart_missing_from_chart_dir_stops_the_run_before_any_install()
    {
        using var charts = new TempCharts("base", "gateway");

        var run = _mesh.Run("--target=InstallIstio", "--dashboards=none", $"--chart-dir={charts.Path}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"istiod: not in chart-dir {charts.Path}", run.Output, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", run.Output, StringComparison.Ordinal);
        AssertNothingInstalled(run);
    }

    [Fact]
    public void A_version_chart_dir_does_not_hold_names_the_setting_to_change()
    {
        var run = _mesh.Run("--target=InstallIstio", "--dashboards=none", "--istiod-chart-version=1.30.2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("istiod: chart-dir holds version 1.31.1 but 1.30.2 is wanted (istio-version or istiod-chart-version)", run.Output, StringComparison.Ordinal);
        AssertNothingInstalled(run);
    }

    [Fact]
    public void Charts_come_from_a_repository_when_chart_dir_is_unset_and_a_missing_version_stops_the_run()
    {
        using var repository = new ChartRepository("base", "istiod", "gateway");

        var missing = _mesh.Run(
            "--target=InstallIstio", "--dashboards=none", "--chart-dir=",
            $"--base-chart-repo={repository.Url}", $"--istiod-chart-repo={repository.Url}", $"--gateway-chart-repo={repository.Url}",
            "--gateway-chart-version=1.99.0");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("gateway 1.99.0: not found at " + repository.Url, missing.Output, StringComparison.Ordinal);
        AssertNothingInstalled(missing);
        repository.Requests.Clear();

        var run = _mesh.Run(
            "--target=InstallIstio", "--dashboards=none", "--chart-dir=",
            $"--base-chart-repo={repository.Url}", $"--istiod-chart-repo={repository.Url}", $"--gateway-chart-repo={repository.Url}");

        Assert.True(run.ExitCode == 0, run.ToString());

        // One repository for three charts: added (one index fetch) and updated (another) once per run.
        Assert.Equal(2, repository.Requests.Count(path => path == "/index.yaml"));
        Assert.Contains("istio-ingressgateway", _mesh.Helm("list", "-n", "istio-ingress", "-q"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_password_reaches_helm_on_standard_input_and_appears_nowhere_in_the_output()
    {
        const string Password = "s3cret-chart-pass";
        using var repository = new ChartRepository(("bot", Password), "base");

        var run = _mesh.Run(
            "--target=InstallIstioInit", "--chart-dir=", $"--base-chart-repo={repository.Url}",
            "--chart-repo-username=bot", $"--chart-repo-password={Password}", "--verbosity=diagnostic");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, repository.Refused);
        Assert.Contains(repository.Requests, path => path == "/index.yaml");
        Assert.Contains("--username \"bot\" --password-stdin", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Chart_dir_may_hold_packaged_charts()
    {
        using var charts = new TempCharts("base", "gateway");
        using var repository = new ChartRepository("istiod");
        File.Copy(repository.Archive("istiod"), Path.Combine(charts.Path, "istiod-1.31.1.tgz"));

        var run = _mesh.Run("--target=InstallIstio", "--dashboards=none", $"--chart-dir={charts.Path}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"chart istiod: istiod 1.31.1 from chart-dir {charts.Path}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_dns_credentials_secret_is_named_before_external_dns_is_installed()
    {
        var run = _mesh.Run("--target=InstallIstio", "--dashboards=none", "--dns-provider=aws", "--domain=mesh.example.com", "--dns-credentials-secret=route53");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the Secret 'route53' (dns-credentials-secret) does not exist in namespace external-dns", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"ConfigureExternalDns\s+\S+\s+Failed", run.Output);
        AssertNothingInstalled(run);
    }

    [Fact]
    public void An_existing_dns_credentials_secret_is_mounted_and_the_provider_told_where()
    {
        _mesh.Kubectl("create", "namespace", "external-dns");
        _mesh.Kubectl("create", "secret", "generic", "route53", "-n", "external-dns", "--from-literal=credentials=[default]");

        var run = _mesh.Run("--target=ConfigureExternalDns", "--dns-provider=aws", "--domain=mesh.example.com", "--dns-credentials-secret=route53");

        Assert.True(run.ExitCode == 0, run.ToString());
        var pod = _mesh.KubectlJson("get", "deployment", "external-dns", "-n", "external-dns")["spec"]!["template"]!["spec"]!;
        Assert.Equal("route53", (string?)pod["volumes"]![0]!["secret"]!["secretName"]);
        Assert.Equal("/etc/external-dns/credentials", (string?)pod["containers"]![0]!["volumeMounts"]![0]!["mountPath"]);
        Assert.Equal("AWS_SHARED_CREDENTIALS_FILE", (string?)pod["containers"]![0]!["env"]![0]!["name"]);
        Assert.DoesNotContain("[default]", run.Output, StringComparison.Ordinal);
    }

    private void AssertNothingInstalled(PipelineRun run)
    {
        Assert.True(run.Writes.Count == 0, "writes: " + string.Join(", ", run.Writes.Select(write => $"{write.Verb} {write.Path}")));
        Assert.Equal(string.Empty, _mesh.Helm("list", "--all-namespaces", "-q").Trim());
    }
}
