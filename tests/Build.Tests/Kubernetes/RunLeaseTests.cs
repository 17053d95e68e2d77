using System.Diagnostics;
using System.Globalization;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Kubernetes;

/// <summary>When a lease's holder counts as gone at once: only a process of this host that is not running any more.</summary>
public sealed class RunLeaseTests
{
    [Fact]
    public void This_run_is_not_gone_and_neither_is_a_holder_on_another_host_or_in_another_form()
    {
        Assert.False(RunLease.IsGoneFromThisHost(RunLease.ThisRun()));
        Assert.False(RunLease.IsGoneFromThisHost("ci-runner-7/pid 1/started 2026-12-01T22:00:00Z"));
        Assert.False(RunLease.IsGoneFromThisHost($"{Environment.MachineName}: some other tool"));
    }

    [Fact]
    public void A_pid_that_runs_no_process_or_one_started_at_another_time_is_gone()
    {
        using var ended = Process.Start("true")!;
        ended.WaitForExit();
        using var self = Process.GetCurrentProcess();
        var otherStart = self.StartTime.ToUniversalTime().AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        Assert.True(RunLease.IsGoneFromThisHost($"{Environment.MachineName}/pid {ended.Id}/started 2026-12-01T22:00:00Z"));
        Assert.True(RunLease.IsGoneFromThisHost($"{Environment.MachineName}/pid {Environment.ProcessId}/started {otherStart}"));
    }
}
