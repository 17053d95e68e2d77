using System.Diagnostics;

namespace Mesh.Build.Tests.Hosting;

/// <summary>
/// The commands a user types, through the real build.sh: it builds the pipeline when needed and passes its
/// exit code through. Slower than the in-process tests (the first one builds in Release).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class BuildScriptTests
{
    private static readonly string RepositoryRoot = BuildContext.FindRepositoryRoot(AppContext.BaseDirectory);

    [Fact]
    public void Tree_exits_0_with_the_chain_from_VerifyDashboards_down_under_Rebuild()
    {
        var (exitCode, output, _) = Run("--tree");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        Assert.Equal(["Rebuild", "├─Teardown"], lines.SkipWhile(line => line != "Rebuild").Take(2));
        var root = lines.IndexOf("└─VerifyDashboards");
        Assert.True(root >= 0, output);
        Assert.Equal("└─EnforceMtls", lines[root + 1]);
        Assert.Equal("└─ConfigureExternalDns", lines[root + 6]);
        Assert.Contains("InstallTools", lines);
    }

    [Fact]
    public void Tree_of_a_target_prints_only_that_target()
    {
        var (exitCode, output, _) = Run("--tree", "--target=EnforceMtls");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            ["EnforceMtls", "└─DeployMailHog", "   └─ConfigureGateway", "      └─InstallIstio", "         └─InstallIstioInit", "            └─ConfigureExternalDns"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd()));
    }

    [Fact]
    public void A_mistyped_target_gets_did_you_mean()
    {
        var (exitCode, _, error) = Run("--target=EnforceMTL");

        Assert.Equal(2, exitCode);
        Assert.Contains("there is no task named 'EnforceMTL'; did you mean EnforceMtls? Valid targets:", error);
    }

    [Fact]
    public void ConfigureExternalDns_with_DNS_off_exits_0_saying_it_was_skipped_and_why()
    {
        var (exitCode, output, error) = Run("--target=ConfigureExternalDns");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("ConfigureExternalDns was skipped: DNS is off (dns-provider=none)", output);
        Assert.DoesNotContain("Could not reach target", output + error);
    }

    [Fact]
    public void Print_settings_shows_the_kubeconfig_file_a_run_would_read()
    {
        var kubeconfig = Path.GetTempFileName();
        try
        {
            var found = RunScript("build.sh", new Dictionary<string, string?> { ["KUBECONFIG"] = kubeconfig }, "--print-settings");
            var none = Mesh.Build.Kubernetes.ClusterConnection.KubeconfigInUse(null, null, "/nonexistent-home");

            Assert.Equal(0, found.ExitCode);
            Assert.Matches($@"kubeconfig\s+{System.Text.RegularExpressions.Regex.Escape(kubeconfig)}\s+from \$KUBECONFIG", found.Output);
            Assert.Equal((null, "no ~/.kube/config and $KUBECONFIG is not set"), none);
            Assert.DoesNotContain("(not set)", found.Output.Split('\n').Single(line => line.StartsWith("kubeconfig ", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public void Dry_run_to_EnforceMtls_works_without_a_cluster()
    {
        var (exitCode, output, error) = Run("--target=EnforceMtls", "--dryrun");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("6. EnforceMtls", output);
        Assert.DoesNotContain("7.", output);
    }

    [Fact]
    public void An_unknown_target_exits_non_zero_naming_the_valid_ones()
    {
        var (exitCode, _, error) = Run("--target=Nope");

        Assert.Equal(2, exitCode);
        Assert.Contains("Valid targets: ConfigureExternalDns, InstallIstioInit", error);
    }

    [Fact]
    public void Bad_settings_exit_2_naming_both()
    {
        var (exitCode, _, error) = Run("--dryrun", "--istio-version=banana", "--mtls-mode=LOOSE");

        Assert.Equal(2, exitCode);
        Assert.Contains("istio-version (from --istio-version)", error);
        Assert.Contains("mtls-mode (from --mtls-mode)", error);
    }

    [Fact]
    public void InstallTools_leaves_the_pinned_helm_and_kubectl_and_a_second_run_changes_nothing()
    {
        var first = Run("--target=InstallTools");
        var second = Run("--target=InstallTools");

        Assert.Equal(0, first.ExitCode);
        Assert.Matches("(already provisioned|provisioned): helm v4.1.4, kubectl v1.35.2", first.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("already provisioned: helm v4.1.4, kubectl v1.35.2", second.Output);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, "tools", "bin", "helm")));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, "tools", "bin", "kubectl")));
    }

    [Fact]
    public void Rehearse_points_the_pipeline_at_the_simulator_and_passes_its_exit_code_through()
    {
        var settings = RunScript("tests/rehearse.sh", "--print-settings");
        var badTarget = RunScript("tests/rehearse.sh", "--target=Nope");

        Assert.Equal(0, settings.ExitCode);
        Assert.Contains("simulated API server ready at https://127.0.0.1:", settings.Output);
        Assert.Matches(@"kubeconfig\s+/\S+/kubeconfig\s+--kubeconfig", settings.Output);
        Assert.Matches(@"chart-dir\s+\S+/tests/charts\s+--chart-dir", settings.Output);
        Assert.Equal(2, badTarget.ExitCode);
        Assert.Contains("there is no task named 'Nope'", badTarget.Error);
    }

    [Theory]
    [InlineData("--target=EnforceMtls", "EnforceMtls")]
    [InlineData("--verbosity=normal", "VerifyDashboards")]
    public void Rehearse_runs_the_chain_on_the_simulator_to_the_end(string argument, string last)
    {
        var run = RunScript("tests/rehearse.sh", argument);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches($@"{last}\s+\S+\s+Succeeded", run.Output);
        Assert.Contains("mTLS is enforced", run.Output);
    }

    [Theory]
    [InlineData("--target=EnforceMtls", "--dryrun")]
    [InlineData("--target=InstallTools")]
    public void Redirected_output_under_TERM_xterm_has_no_escape_codes_and_greps_as_printed(params string[] args)
    {
        var (exitCode, output, error) = RunScript("build.sh", new Dictionary<string, string?> { ["TERM"] = "xterm", ["NO_COLOR"] = null }, args);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain('\u001b', output + error);
        Assert.Matches(args.Length > 1 ? @"\n6\. EnforceMtls\n" : @"InstallTools\s+\S+\s+Succeeded", output.ReplaceLineEndings("\n"));
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => RunScript("build.sh", args);

    private static (int ExitCode, string Output, string Error) RunScript(string script, params string[] args) =>
        RunScript(script, new Dictionary<string, string?>(), args);

    private static (int ExitCode, string Output, string Error) RunScript(string script, Dictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KUBECONFIG"] = "/nonexistent/kubeconfig";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
