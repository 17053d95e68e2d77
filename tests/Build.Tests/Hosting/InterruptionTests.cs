using System.Diagnostics;
using System.Runtime.InteropServices;
using Mesh.Build.Hosting;

namespace Mesh.Build.Tests.Hosting;

/// <summary>Issue 14: a real SIGTERM to this process while a run listens: recorded (exit 143), passed on to the child, the process not ended.</summary>
public sealed partial class InterruptionTests
{
    [Fact]
    public async Task Sigterm_is_caught_passed_on_to_the_child_process_and_stops_the_run_at_its_next_safe_point_with_143()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals and reads /proc: Linux only");
        using var interruption = Interruption.Listen();
        using var child = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        interruption.ThrowIfRequested("before InstallIstio");

        Assert.Equal(0, Kill(Environment.ProcessId, 15));
        var clock = Stopwatch.StartNew();
        while (!interruption.IsRequested && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        var childEnded = child.WaitForExit(TimeSpan.FromSeconds(5));
        var stop = Assert.Throws<RunInterruptedException>(() => interruption.ThrowIfRequested("before InstallIstio"));

        Assert.True(interruption.IsRequested);
        Assert.Equal(143, interruption.ExitCode);
        Assert.True(interruption.Token.IsCancellationRequested);
        Assert.True(childEnded, "the child did not get the signal");
        Assert.Equal("SIGTERM received: the run stopped before InstallIstio.", stop.Message);
        Assert.Equal("before InstallIstio", interruption.StoppedAt);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
