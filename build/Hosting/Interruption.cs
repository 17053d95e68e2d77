using System.Globalization;
using System.Runtime.InteropServices;

namespace Mesh.Build.Hosting;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job) during a run: the process is not ended on the spot; the signal
/// is passed on to the tools the run started (helm, kubectl), so they stop and write their state, and the run
/// stops at its next safe point (before the next task), cleans up (scratch files, the lease) and exits 130 or 143.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenSource _cancel = new();
    private int _signal;

    /// <summary>Listens for SIGINT and SIGTERM until disposed.</summary>
    public static Interruption Listen()
    {
        var interruption = new Interruption();
        interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, interruption.OnSignal));
        interruption._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, interruption.OnSignal));
        return interruption;
    }

    public bool IsRequested => Volatile.Read(ref _signal) != 0;

    /// <summary>Cancelled when a signal comes: for the waits that a signal should cut short (the lease).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>SIGINT or SIGTERM, for messages.</summary>
    public string SignalName => Volatile.Read(ref _signal) == SigTerm ? "SIGTERM" : "SIGINT";

    /// <summary>130 for SIGINT, 143 for SIGTERM, as a shell reports a process ended by them.</summary>
    public int ExitCode => Volatile.Read(ref _signal) == SigTerm ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Where the run stopped, once it has (for the closing message).</summary>
    public string? StoppedAt { get; set; }

    /// <summary>Throws at a safe point when a signal came.</summary>
    public void ThrowIfRequested(string where)
    {
        if (IsRequested)
        {
            StoppedAt ??= where;
            throw new RunInterruptedException($"{SignalName} received: the run stopped {where}.");
        }
    }

    public void Dispose()
    {
        _registrations.ForEach(registration => registration.Dispose());
        _cancel.Dispose();
    }

    private const int SigInt = 2;
    private const int SigTerm = 15;

    private void OnSignal(PosixSignalContext context)
    {
        // The run ends itself, at a safe point; a second signal of the same kind is passed on again.
        context.Cancel = true;
        Interlocked.CompareExchange(ref _signal, context.Signal == PosixSignal.SIGTERM ? SigTerm : SigInt, 0);
        ForwardToChildren(context.Signal == PosixSignal.SIGTERM ? SigTerm : SigInt);
        _cancel.Cancel();
    }

    /// <summary>The signal to each process this one started (Linux: read from /proc); a Ctrl-C in a terminal reaches them anyway.</summary>
    private static void ForwardToChildren(int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "PID (COMM) STATE PPID ..."; COMM may hold spaces, so read after its closing parenthesis.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && fields[1] == self)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read, so not our child.
            }
        }

        children.ForEach(child => Kill(child, signal));
    }

    private static void Kill(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-s", signal == SigTerm ? "TERM" : "INT", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

/// <summary>The run stopped at a safe point after SIGINT or SIGTERM.</summary>
public sealed class RunInterruptedException(string message) : Exception(message);
