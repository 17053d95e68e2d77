using Mesh.Build.Hosting;
using Mesh.Build.Tests.Hosting;

namespace Mesh.Build.Tests.Settings;

/// <summary>Bad input through the real host: exit code 2, a message naming the setting, and no task run.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    public static TheoryData<string[], string> Cases => new()
    {
        { ["--istio-version=banana"], "istio-version (from --istio-version): 'banana' is not a semantic version such as 1.31.1." },
        { ["--mtls-mode=LOOSE"], "mtls-mode (from --mtls-mode): 'LOOSE' is not one of STRICT, PERMISSIVE." },
        { ["--mtls-scope=cluster"], "mtls-scope (from --mtls-scope): 'cluster' is not one of mesh, namespace." },
        { ["--tls-mode=self-sign"], "'self-sign' is not one of self-signed, existing-secret, cert-manager (did you mean 'self-signed'?)." },
        { ["--domain=Not_A_Domain"], "domain (from --domain): 'Not_A_Domain' is not a DNS name" },
        { ["--mailhog-namespace=Mail.Hog"], "mailhog-namespace (from --mailhog-namespace): 'Mail.Hog' is not a valid name" },
        { ["--dashboards=kiali,grafna"], "'grafna' is not known; use a comma-separated list of prometheus, grafana, kiali, jaeger, or none (did you mean 'grafana'?)." },
        { ["--wait-timeout=soon"], "wait-timeout (from --wait-timeout): 'soon' is not a duration such as 90s, 5m or 1h30m." },
        { ["--tracing-sampling=150"], "tracing-sampling (from --tracing-sampling): '150' is not a percentage between 0 and 100." },
        { ["--expose-dashboards=maybe"], "expose-dashboards (from --expose-dashboards): 'maybe' is not true or false." },
        { ["--istiod-chart-repo=ftp://charts"], "istiod-chart-repo (from --istiod-chart-repo): 'ftp://charts' is not a chart repository" },
        { ["--chart-dir=/no/such/charts"], "chart-dir (from --chart-dir): the directory '/no/such/charts' does not exist." },
        { ["--istiod-values=/no/such/values.yaml"], "istiod-values (from --istiod-values): the file '/no/such/values.yaml' does not exist." },
        { ["--image-registry=https://registry.example/"], "image-registry (from --image-registry): 'https://registry.example/' is not an image registry such as registry.example.com:5000/mirror" },
        { ["--kubeconfig=/no/such/kubeconfig"], "kubeconfig (from --kubeconfig): the file '/no/such/kubeconfig' does not exist." },
        { ["--config=/no/such/mesh.yaml"], "config: the settings file '/no/such/mesh.yaml' does not exist." },
        { ["--istio-verison=1.31.1"], "--istio-verison: unknown argument (did you mean 'istio-version'?)." },
        { ["--taget=EnforceMtls"], "--taget: unknown argument (did you mean 'target'?)." },
        { ["--dns-provider=aws"], "domain: dns-provider is 'aws' (from --dns-provider) but no domain is set" },
        { ["--dns-provider=aws", "--domain=example.com"], "dns-credentials-secret: dns-provider 'aws' needs credentials" },
        { ["--tls-mode=cert-manager"], "cert-manager-issuer: tls-mode is cert-manager (from --tls-mode) but no issuer is named" },
        { ["--verbosity=loud"], "--verbosity: 'loud' is not a verbosity" },
        { ["EnforceMtls"], "Unexpected argument 'EnforceMtls'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_exits_2_naming_the_problem_before_any_task_runs(string[] args, string expected)
    {
        var run = PipelineRun.Start(_root, [.. args, "--target=InstallIstioInit"]);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("not implemented", run.Output + run.Error);
        Assert.Empty(_root.Files());
    }

    [Fact]
    public void Dry_run_with_two_bad_settings_names_both()
    {
        var run = PipelineRun.Start(_root, "--dryrun", "--istio-version=banana", "--mtls-mode=LOOSE");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("Invalid input (2 problems):", run.Error);
        Assert.Contains("istio-version", run.Error);
        Assert.Contains("mtls-mode", run.Error);
        Assert.DoesNotContain("Dry run", run.Output);
    }

    [Fact]
    public void Print_settings_shows_each_value_with_its_source_and_runs_nothing()
    {
        _root.Write("mesh.yaml", "mtls-scope: namespace\n");

        var run = PipelineRun.Start(_root, "--print-settings", "--istio-version=1.30.5", "--chart-repo-password=s3cr3t-value");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"istio-version\s+1\.30\.5\s+--istio-version", run.Output);
        Assert.Matches(@"mtls-scope\s+namespace\s+mesh\.yaml:1", run.Output);
        Assert.Matches(@"mtls-mode\s+STRICT\s+default", run.Output);
        Assert.DoesNotContain("s3cr3t-value", run.Output);
        Assert.DoesNotContain("not implemented", run.Output);
    }
}
