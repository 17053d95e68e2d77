using System.Diagnostics;
using Mesh.Build.Catalog;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The published charts at the versions this project's end-to-end test of them pins, as a folder for
/// <c>--chart-dir</c>: <c>../shared/upstream-charts</c> next to the repository where it is there, else the
/// same versions pulled with <c>helm pull</c> from each chart's official repository (build/Catalog) into a
/// temporary folder, else nothing, with the reason (<see cref="Unavailable"/>).
/// </summary>
public static class PublishedCharts
{
    public const string IstioVersion = "1.30.3";

    /// <summary>Each chart (its catalog entry) and the published version the test installs.</summary>
    public static readonly IReadOnlyList<(Component Component, string Version)> Versions =
    [
        (Components.ExternalDns, "1.21.1"),
        (Components.Base, IstioVersion),
        (Components.Istiod, IstioVersion),
        (Components.Gateway, IstioVersion),
        (Components.Prometheus, "28.13.0"),
        (Components.Grafana, "11.6.1"),
        (Components.Kiali, "2.29.0"),
        (Components.Jaeger, "4.11.1"),
    ];

    private static readonly Lazy<(string? Directory, string Origin)> Located = new(Locate);

    /// <summary>The folder next to the repository that holds them (<c>../shared/upstream-charts</c>).</summary>
    public static string SharedDirectory => Path.GetFullPath(Path.Combine(SimulatedMesh.RepositoryRoot, "..", "shared", "upstream-charts"));

    /// <summary>The folder to give as <c>--chart-dir</c>, or null when the charts cannot be had here.</summary>
    public static string? Directory => Located.Value.Directory;

    /// <summary>Where the charts came from, or why they could not be had.</summary>
    public static string Origin => Located.Value.Origin;

    /// <summary>Why the charts cannot be had, or null when they can.</summary>
    public static string? Unavailable => Directory is null ? Origin : null;

    /// <summary>The pipeline's arguments that select exactly these versions.</summary>
    public static string[] VersionArguments =>
    [
        $"--istio-version={IstioVersion}",
        .. Versions.Where(entry => entry.Component.Version.Length > 0).Select(entry => $"--{entry.Component.Id}-chart-version={entry.Version}"),
    ];

    private static (string?, string) Locate()
    {
        if (Missing(SharedDirectory).Count == 0)
        {
            return (SharedDirectory, $"the published charts in {SharedDirectory}");
        }

        // A folder per set of versions, so a second test run on the same machine pulls nothing.
        var pulled = Path.Combine(Path.GetTempPath(), $"mesh-published-charts-{IstioVersion}-{string.Join('-', Versions.Select(entry => entry.Version).Distinct())}");
        System.IO.Directory.CreateDirectory(pulled);
        foreach (var (component, version) in Versions)
        {
            if (!File.Exists(Path.Combine(pulled, $"{component.Chart}-{version}.tgz")))
            {
                // The first failure says why; without a network the others would only repeat it.
                var (exitCode, output) = Pull(component, version, pulled);
                if (exitCode != 0)
                {
                    return (null,
                        $"the published charts are not in {SharedDirectory} and cannot be pulled: " +
                        $"`helm pull {component.Chart} --repo {component.Repository} --version {version}` failed: {output.Trim()}");
                }
            }
        }

        return (pulled, $"the published charts pulled from their repositories into {pulled} ({SharedDirectory} is absent)");
    }

    private static List<string> Missing(string directory) =>
        [.. Versions.Select(entry => $"{entry.Component.Chart}-{entry.Version}.tgz").Distinct().Where(file => !File.Exists(Path.Combine(directory, file)))];

    private static (int ExitCode, string Output) Pull(Component component, string version, string destination)
    {
        var start = new ProcessStartInfo(Path.Combine(SimulatedMesh.RepositoryRoot, "tools", "bin", "helm"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "pull", component.Chart, "--repo", component.Repository, "--version", version, "--destination", destination })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "no answer within 60 s");
            }

            return (process.ExitCode, stderr.Result + stdout.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"helm cannot be started: {e.Message}");
        }
    }
}

/// <summary>
/// A test that needs the published charts: skipped, saying why, where they are neither next to the
/// repository nor to be pulled (xunit 2 decides skips when it discovers tests, so this looks then).
/// </summary>
public sealed class PublishedChartsFactAttribute : FactAttribute
{
    public PublishedChartsFactAttribute()
    {
        if (PublishedCharts.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
