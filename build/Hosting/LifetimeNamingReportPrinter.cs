using Cake.Core;
using Cake.Core.Diagnostics;

namespace Mesh.Build.Hosting;

/// <summary>
/// Cake names its own steps around the tasks Setup and Teardown, in the log's headers and in the task table; our
/// pipeline has a task called Teardown too, so the table would show two rows of that name. Cake's steps are shown
/// as "Run setup" and "Run teardown" instead; everything else is printed as Cake prints it.
/// </summary>
public sealed class LifetimeNamingReportPrinter(ICakeReportPrinter inner) : ICakeReportPrinter
{
    public const string Setup = "Run setup";
    public const string Teardown = "Run teardown";

    public void Write(CakeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var renamed = new CakeReport();
        foreach (var entry in report)
        {
            renamed.Add(Name(entry.TaskName, entry.Category), entry.SkippedMessage, entry.Category, entry.Duration, entry.ExecutionStatus);
        }

        inner.Write(renamed);
    }

    // Cake spells the second one "TearDown" here.
    public void WriteLifeCycleStep(string name, Verbosity verbosity) => inner.WriteLifeCycleStep(name.ToUpperInvariant() switch
    {
        "SETUP" => Setup,
        "TEARDOWN" => Teardown,
        _ => name,
    }, verbosity);

    public void WriteStep(string name, Verbosity verbosity) => inner.WriteStep(name, verbosity);

    public void WriteSkippedStep(string name, Verbosity verbosity) => inner.WriteSkippedStep(name, verbosity);

    private static string Name(string task, CakeReportEntryCategory category) => category switch
    {
        CakeReportEntryCategory.Setup => Setup,
        CakeReportEntryCategory.Teardown => Teardown,
        _ => task,
    };
}
