using System.Diagnostics;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>Waits slowed by the simulator (pods up only after seconds, API latency on one install) are not silent ones.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ProgressTests
{
    [Fact]
    public async Task Slow_pods_and_a_slow_install_give_a_progress_line_each_interval_naming_what_is_awaited()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        mesh.Cluster.Controllers.ReadyDelay = TimeSpan.FromSeconds(4);
        // helm stores its release record as a Secret: 3 s on that write of the base chart's install.
        mesh.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromSeconds(3), "/api/v1/namespaces/istio-system/secrets", "POST", times: 1));

        var run = mesh.Run("--target=InstallIstio", "--dashboards=none", "--progress-interval=1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"helm is installing istio-system/istio-base \(base-\S+\) and waiting for it: [1-9]\d* s so far \(helm-timeout 600s\)", run.Output);
        Assert.Matches(@"waiting for Deployment istio-system/istiod to become available: [1-9]\d* s so far, last seen: 0/1 available, 1 updated, Available=False MinimumReplicasUnavailable", run.Output);
    }

    [Fact]
    public async Task On_a_terminal_a_wait_is_one_live_line_redrawn_in_place_between_whole_log_lines()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        mesh.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromSeconds(3), "/api/v1/namespaces/istio-system/secrets", "POST", times: 1));

        // script(1) gives build.sh a pseudo-terminal, as a person's shell does; its typescript is what they saw.
        var (exitCode, screen) = await RunOnTerminalAsync(mesh, "--target=InstallIstioInit");

        Assert.True(exitCode == 0, screen);
        Assert.Matches(@"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] helm is installing istio-system/istio-base \(base-\S+\) and waiting for it: [1-9] s so far", screen);
        // The log line that ends the wait starts on an erased line, whole.
        Assert.Matches(@"\r\u001b\[2K\u001b\[[0-9;]+mistio-system/istio-base: installed base-", screen);
        // No plain progress lines on a terminal: every mention of the wait is on the live line, after a spinner.
        Assert.DoesNotMatch(@"(^|\n)helm is installing", screen);
    }

    [Fact]
    public async Task Without_slow_waits_there_are_no_progress_lines()
    {
        await using var mesh = await SimulatedMesh.StartAsync();

        var run = mesh.Run("--target=InstallIstioInit");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("so far", run.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Screen)> RunOnTerminalAsync(SimulatedMesh mesh, params string[] args)
    {
        var command = string.Join(' ', PipelineProcess.CommandLine(mesh, args).Select(word => $"'{word}'"));
        var typescript = Path.Combine(mesh.WorkingDirectory, "typescript");
        var start = new ProcessStartInfo("script", ["--quiet", "--return", "--command", command, typescript])
        {
            WorkingDirectory = mesh.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TERM"] = "xterm";
        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("GITHUB_ACTIONS");
        using var process = Process.Start(start)!;
        var drained = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        await drained;
        return (process.ExitCode, await File.ReadAllTextAsync(typescript));
    }
}
