using System.Diagnostics;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The real helm and kubectl that <c>./build.sh --target=InstallTools</c> puts in the repository's
/// <c>tools/bin</c>. A test that needs one fails, saying how to provision it, when it is missing.
/// </summary>
public static class RepoTools
{
    /// <summary>The repository root: the nearest directory above the test binaries holding Mesh.slnx.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Mesh.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>One of our fixture charts under tests/charts.</summary>
    public static string Chart(string name) => Path.Combine(Root(), "tests", "charts", name);

    public static string Require(string name)
    {
        var path = Path.Combine(Root(), "tools", "bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run ./build.sh --target=InstallTools first");
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string tool, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
