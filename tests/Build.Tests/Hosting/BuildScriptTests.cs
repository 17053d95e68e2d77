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
    public void Tree_exits_0_with_VerifyDashboards_at_the_root_of_the_chain()
    {
        var (exitCode, output, _) = Run("--tree");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var root = lines.IndexOf("VerifyDashboards");
        Assert.True(root >= 0, output);
        Assert.Equal("└─EnforceMtls", lines[root + 1]);
        Assert.Equal("└─ConfigureExternalDns", lines[root + 6]);
        Assert.Contains("InstallTools", lines);
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
