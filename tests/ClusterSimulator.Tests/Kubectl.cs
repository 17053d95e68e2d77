using System.Diagnostics;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The kubectl binary to test against: the repository's provisioned <c>tools/bin/kubectl</c> first, then
/// the first one on PATH, each only if <c>kubectl version --client</c> works offline.
/// </summary>
public static class Kubectl
{
    private static readonly Lazy<string?> Found = new(Find);

    public static string? Path => Found.Value;

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("no working kubectl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string? Find()
    {
        var candidates = new List<string>();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Mesh.slnx")))
            {
                candidates.Add(System.IO.Path.Combine(directory.FullName, "tools", "bin", "kubectl"));
                break;
            }
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "kubectl")));
        return candidates.FirstOrDefault(c => File.Exists(c) && WorksOffline(c));
    }

    private static bool WorksOffline(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["version", "--client"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when no working kubectl is found.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
        {
            Skip = "no working kubectl in tools/bin or on PATH";
        }
    }
}
