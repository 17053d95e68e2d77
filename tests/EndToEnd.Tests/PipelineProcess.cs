using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The pipeline as a process of its own, started through build.sh (which execs dotnet, so its pid is the
/// pipeline's) against a simulated cluster, for what an in-process run cannot show: SIGKILL, SIGTERM, two runs at
/// once. A child of the test host is in the test host's process group, so <c>kill(-pid)</c> finds no such group
/// (ESRCH); and walking its tree races with the helm processes it starts (one started between the walk and the kill
/// runs on). So it starts under <c>setsid</c> (which execs: the pid stays the pipeline's) and leads a group of its
/// own, which <see cref="KillTree"/> kills whole, helm children included.
/// </summary>
public sealed class PipelineProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private PipelineProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>What it printed so far, stdout and stderr interleaved as they came.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>build.sh</c> with the mesh's kubeconfig and charts and these arguments, in the mesh's working directory, with <paramref name="temp"/> as its TMPDIR.</summary>
    public static PipelineProcess Start(SimulatedMesh mesh, string temp, params string[] args) => Start(mesh, temp, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Start(SimulatedMesh, string, string[])"/>, with these environment variables set too.</summary>
    public static PipelineProcess Start(SimulatedMesh mesh, string temp, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mesh);
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = mesh.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in CommandLine(mesh, args))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TMPDIR"] = temp;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("GITHUB_ACTIONS");
        start.Environment.Remove("GITHUB_STEP_SUMMARY");
        var pipeline = new PipelineProcess(new Process { StartInfo = start });
        pipeline._process.OutputDataReceived += (_, line) => pipeline.Append(line.Data);
        pipeline._process.ErrorDataReceived += (_, line) => pipeline.Append(line.Data);
        pipeline._process.Start();
        pipeline._process.BeginOutputReadLine();
        pipeline._process.BeginErrorReadLine();
        return pipeline;
    }

    /// <summary>SIGKILL to the pipeline's process group: the pipeline and every helm it started, now.</summary>
    public void KillTree()
    {
        if (Kill(-_process.Id, 9) != 0)
        {
            throw new InvalidOperationException($"kill(-{_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>build.sh with the mesh's kubeconfig and charts, then <paramref name="args"/>.</summary>
    public static string[] CommandLine(SimulatedMesh mesh, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        return [Path.Combine(SimulatedMesh.RepositoryRoot, "build.sh"), $"--kubeconfig={mesh.Kubeconfig}", $"--chart-dir={mesh.ChartDirectory}", .. args];
    }

    /// <summary>A signal to the pipeline's own pid (SIGTERM: 15).</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Its exit code, once it has ended (within <paramref name="timeout"/>), with all its output read.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>
    /// The processes still running, after up to 5 s for the ended ones to be reaped, whose command line names
    /// <paramref name="text"/> (the mesh's kubeconfig: the pipeline and its helm).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunningAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var running = Running(text);
            if (running.Count == 0 || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                return running;
            }

            await Task.Delay(100);
        }
    }

    private static IReadOnlyList<string> Running(string text) =>
        [.. Directory.GetDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId)
            .Select(directory => (Directory: directory, CommandLine: ReadCommandLine(directory)))
            .Where(process => process.CommandLine.Contains(text, StringComparison.Ordinal))
            .Select(process => $"{Path.GetFileName(process.Directory)}: {process.CommandLine}")];

    /// <summary>Whether a request writes (dry runs and the run's Lease aside): what "the N-th mutating request" counts.</summary>
    public static bool IsMutating(RequestRecord request) =>
        SimulatedMesh.HasMutatingVerb(request) && !SimulatedMesh.IsDryRun(request) && !SimulatedMesh.IsLease(request);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillTree();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static string ReadCommandLine(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
