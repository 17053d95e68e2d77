using System.Diagnostics;
using k8s;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The runnable simulator: <c>ClusterSimulator --kubeconfig PATH</c>, stopped by SIGTERM.</summary>
public sealed class EntryPointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-sim-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [UnixFact]
    public async Task It_writes_a_kubeconfig_says_ready_serves_and_stops_cleanly_on_SIGTERM()
    {
        var kubeconfig = Path.Combine(_directory, "nested", "kubeconfig");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ClusterSimulator"), ["--kubeconfig", kubeconfig])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Contains("ready at https://127.0.0.1:", ready);

            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var defaultNamespace = await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: timeout.Token);
            Assert.Equal("Active", defaultNamespace.Status.Phase);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped", await process.StandardOutput.ReadToEndAsync(timeout.Token));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}

/// <summary>A fact that needs POSIX signals and the Unix app host; reported as skipped elsewhere.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs SIGTERM and the Unix app host";
        }
    }
}
