using Mesh.Build.Hosting;

namespace Mesh.Build.Tests.Hosting;

public sealed class ChainTests : IDisposable
{
    private static readonly string[] Chain =
        ["ConfigureExternalDns", "InstallIstioInit", "InstallIstio", "ConfigureGateway", "DeployMailHog", "EnforceMtls", "VerifyDashboards"];

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Each_task_of_the_chain_depends_on_the_one_before_it()
    {
        var catalog = TaskCatalog.Discover([typeof(Pipeline).Assembly]);

        for (var i = 0; i < Chain.Length; i++)
        {
            var task = Assert.Single(catalog.Tasks, entry => entry.Name == Chain[i]);
            Assert.Equal(i == 0 ? [] : [Chain[i - 1]], task.Dependencies);
            Assert.False(string.IsNullOrWhiteSpace(task.Description), $"{task.Name} has no description");
        }
    }

    [Fact]
    public void Tree_shows_the_seven_tasks_with_VerifyDashboards_at_the_root()
    {
        var run = PipelineRun.Start(_root, "--tree");

        Assert.Equal(0, run.ExitCode);
        var treeLines = run.OutputLines.Select(line => line.TrimStart('└', '─', ' ', '│')).Where(Chain.Contains).ToList();
        Assert.Equal(Chain.Reverse(), treeLines);
    }

    [Fact]
    public void Dry_run_lists_the_tasks_up_to_the_target_in_chain_order_and_touches_nothing()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", "/nonexistent/kubeconfig");
        try
        {
            var run = PipelineRun.Start(_root, "--target=EnforceMtls", "--dryrun");

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(string.Empty, run.Error);
            var listed = run.OutputLines.Where(line => char.IsDigit(line[0])).ToList();
            Assert.Equal(
                ["1. ConfigureExternalDns (would be skipped: DNS is off (dns-provider=none); hosts are NAME.DOMAIN, or NAME.GATEWAY-IP.sslip.io without a domain)", "2. InstallIstioInit", "3. InstallIstio", "4. ConfigureGateway", "5. DeployMailHog", "6. EnforceMtls"],
                listed);
            Assert.DoesNotContain("not implemented", run.Output);
            Assert.Empty(_root.Files());
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        }
    }

    [Fact]
    public void Dry_run_lists_the_DNS_task_as_running_when_a_provider_is_set()
    {
        var run = PipelineRun.Start(_root, "--target=InstallIstioInit", "--dryrun", "--dns-provider=inmemory", "--domain=mesh.example.com");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1. ConfigureExternalDns", run.OutputLines);
        Assert.Contains("2. InstallIstioInit", run.OutputLines);
    }

    [Theory]
    [InlineData("enforcemtls")]
    [InlineData("ENFORCEMTLS")]
    [InlineData("EnforceMtls")]
    public void Targets_are_matched_ignoring_case(string target)
    {
        var run = PipelineRun.Start(_root, $"--target={target}", "--dryrun");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("6. EnforceMtls", run.OutputLines);
    }

    [Fact]
    public void Teardown_is_outside_the_chain_and_nothing_in_it_depends_on_it()
    {
        var catalog = TaskCatalog.Discover([typeof(Pipeline).Assembly]);

        Assert.Empty(Assert.Single(catalog.Tasks, entry => entry.Name == "Teardown").Dependencies);
        Assert.All(catalog.Tasks.Where(task => Chain.Contains(task.Name)), task => Assert.DoesNotContain("Teardown", task.Dependencies));
    }

    [Fact]
    public void Rebuild_runs_Teardown_first_then_the_whole_chain()
    {
        var tree = PipelineRun.Start(_root, "--target=Rebuild", "--tree");
        var dryRun = PipelineRun.Start(_root, "--target=Rebuild", "--dryrun");

        Assert.Equal(0, tree.ExitCode);
        Assert.Equal(
            ["Rebuild", "Teardown", .. Chain.Reverse()],
            tree.OutputLines.Select(line => line.TrimStart('└', '├', '─', ' ', '│')).Where(line => line.Length > 0));
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Equal(
            ["Teardown", .. Chain, "Rebuild"],
            dryRun.OutputLines.Where(line => char.IsDigit(line[0])).Select(line => line.Split(' ')[1]));
    }

    [Fact]
    public void The_default_target_is_VerifyDashboards()
    {
        var run = PipelineRun.Start(_root, "--dryrun");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("7. VerifyDashboards", run.OutputLines.Last(line => char.IsDigit(line[0])));
    }

    [Fact]
    public void Exclusive_runs_the_target_without_its_dependencies()
    {
        var run = PipelineRun.Start(_root, "--target", "DeployMailHog", "--exclusive", "--dryrun");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["1. DeployMailHog"], run.OutputLines.Where(line => char.IsDigit(line[0])));
    }

    [Fact]
    public void An_unknown_target_exits_2_and_names_the_valid_ones()
    {
        var run = PipelineRun.Start(_root, "--target=Nope");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("there is no task named 'Nope'", run.Error);
        Assert.Contains("Valid targets: " + string.Join(", ", Chain), run.Error);
    }

    [Fact]
    public void Description_lists_every_task_with_its_description()
    {
        var run = PipelineRun.Start(_root, "--description");

        Assert.Equal(0, run.ExitCode);
        foreach (var task in Chain)
        {
            Assert.Contains(task, run.Output);
        }

        Assert.Contains("PeerAuthentication", run.Output);
    }

    [Fact]
    public void Help_names_the_targets_the_options_and_every_setting()
    {
        var run = PipelineRun.Start(_root, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--dryrun", run.Output);
        Assert.Contains("--print-settings", run.Output);
        Assert.Contains("VerifyDashboards", run.Output);
        foreach (var setting in Mesh.Build.Settings.SettingsCatalog.All)
        {
            Assert.Contains("--" + setting.Key + " ", run.Output);
        }
    }

    [Fact]
    public void Version_names_our_version_and_Cakes()
    {
        var run = PipelineRun.Start(_root, "--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^mesh build \d+\.\d+\.\d+ \(Cake engine 7\.0\.0\)", run.Output);
    }
}
