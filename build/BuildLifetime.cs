using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Reporting;
using Mesh.Build.Tasks;

namespace Mesh.Build;

/// <summary>
/// Once per run: says what the run is about to do, opens the cluster (one request, before anything else), and
/// looks up every chart the run will install or upgrade, so a missing chart or version stops the run before
/// anything changes. After the run: the plan's totals, the report file, and the exit code of a plan. Cake skips
/// all of it on --dryrun.
/// </summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    private string? _current;

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var settings = context.Settings;
        context.Interruption = Interruption.Listen();
        var tasks = info.TasksToExecute.Select(task => task.Name).ToList();
        context.Log.Information(
            "{0} {1} for Istio {2}{3}, mTLS {4} ({5})",
            settings.Plan ? "Planning" : "Running",
            string.Join(" -> ", tasks),
            settings.IstioVersion,
            settings.IstioRevision is null ? string.Empty : $" revision {settings.IstioRevision}",
            settings.MtlsMode.ToString().ToUpperInvariant(),
            settings.MtlsScope.ToString().ToLowerInvariant());
        context.Log.Verbose("Settings:{0}{1}", Environment.NewLine, settings.Describe());
        if (tasks.All(task => task == TaskCatalog.NameOf(typeof(InstallTools))))
        {
            return;
        }

        context.OpenClusterAsync().GetAwaiter().GetResult();
        context.Log.Verbose("cluster: {0}", context.Cluster.Target);
        // One run at a time changes a cluster; a plan changes nothing and takes no lease (nor does --dryrun, which has no setup).
        if (!settings.Plan)
        {
            context.TakeLeaseAsync().GetAwaiter().GetResult();
        }

        var charts = ComponentsOf(tasks).Where(settings.Installs).Distinct().ToList();
        // A release already deployed from the wanted chart and version needs no lookup: a converged re-run starts no helm.
        var toLookUp = charts.Where(component => !context.Releases.IsAtWantedChartAsync(component).GetAwaiter().GetResult()).Select(component => component.Id).ToList();
        if (toLookUp.Count > 0)
        {
            context.RequireTools();
            context.Charts.Preflight(toLookUp);
        }
    }

    public override void TaskSetup(BuildContext context, ITaskSetupContext info)
    {
        // The safe point: a signal stops the run between tasks, never halfway through one of ours.
        context.Interruption?.ThrowIfRequested($"before {info.Task.Name}");
        _current = info.Task.Name;
        context.Record.BeginTask(info.Task.Name);
    }

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        if (context.RetriedRequests > 0)
        {
            context.Log.Information("The cluster answered {0} request(s) with a transient failure; each was tried again (--verbosity=verbose shows them).", context.RetriedRequests);
        }

        context.CleanUp();
    }

    public override int Completed(BuildContext context, CakeReport? report, Exception? failure, int exitCode)
    {
        var settings = context.Settings;
        var tasks = TasksOf(report).Select(entry => entry.TaskName).ToList();
        if (settings.Plan)
        {
            PrintPlan(context, tasks);
        }

        WriteReport(context, report, failure);
        if (context.Interruption is { IsRequested: true } interruption)
        {
            context.Log.Error(
                "{0} received: the run stopped {1}. Its scratch files are removed and its lease given back; run the same command again and it finishes the work.",
                interruption.SignalName,
                interruption.StoppedAt ?? (_current is null ? "before any task" : $"in {_current} (its helm call was stopped)"));
            interruption.Dispose();
            return interruption.ExitCode;
        }

        context.Interruption?.Dispose();
        return exitCode == ExitCodes.Success && settings.Plan && settings.DetailedExitCode && context.Record.AnyPlannedChange
            ? ExitCodes.PlanHasChanges
            : exitCode;
    }

    private static void PrintPlan(BuildContext context, IReadOnlyList<string> tasks)
    {
        context.Log.Information("Plan:");
        foreach (var task in tasks)
        {
            context.Log.Information("  {0}", task);
            foreach (var item in context.Record.ItemsOf(task))
            {
                context.Log.Information("    {0} {1} {2}: {3}", Symbol(item.Outcome), item.Kind, item.Name, item.Detail);
            }
        }

        var totals = context.Record.Totals();
        context.Log.Information(
            "Plan: {0} to create, {1} to change, {2} unchanged; {3} proofs would run, {4} skipped.",
            totals["would-create"],
            totals["would-change"],
            totals["unchanged"],
            totals["would-prove"],
            totals["skipped"]);
    }

    private static string Symbol(Outcome outcome) => outcome switch
    {
        Outcome.WouldCreate => "+",
        Outcome.WouldChange => "~",
        Outcome.WouldProve => "?",
        Outcome.Skipped => "-",
        _ => "=",
    };

    /// <summary>artifacts/report.json (or the report setting): per task its status, duration and items; totals.</summary>
    private static void WriteReport(BuildContext context, CakeReport? report, Exception? failure)
    {
        var document = new JsonObject
        {
            ["plan"] = context.Settings.Plan,
            ["status"] = failure is null ? "succeeded" : "failed",
            ["error"] = failure?.Message,
            ["tasks"] = new JsonArray([.. TasksOf(report).Select(entry => (JsonNode)new JsonObject
            {
                ["name"] = entry.TaskName,
                ["status"] = entry.ExecutionStatus switch
                {
                    CakeTaskExecutionStatus.Skipped => "skipped",
                    CakeTaskExecutionStatus.Failed => "failed",
                    _ => "succeeded",
                },
                ["duration"] = Math.Round(entry.Duration.TotalSeconds, 3),
                ["skipped"] = entry.SkippedMessage is { Length: > 0 } skipped ? skipped : null,
                ["items"] = context.Record.ItemsJson(entry.TaskName),
            })]),
            ["totals"] = new JsonObject([.. context.Record.Totals().Select(total => KeyValuePair.Create(total.Key, (JsonNode?)total.Value))]),
        };
        var path = Path.GetFullPath(context.Settings.Report, context.Environment.WorkingDirectory.FullPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        context.Log.Verbose("report: {0}", path);
    }

    // Cake's report also times its setup and teardown; the report lists tasks.
    private static IEnumerable<CakeReportEntry> TasksOf(CakeReport? report) =>
        (report ?? []).Where(entry => entry.Category == CakeReportEntryCategory.Task);

    private static IEnumerable<Component> ComponentsOf(IEnumerable<string> taskNames)
    {
        var tasks = TaskCatalog.Discover([typeof(BuildLifetime).Assembly]).Tasks;
        return taskNames
            .Select(name => tasks.FirstOrDefault(task => task.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Type.GetCustomAttribute<InstallsChartsAttribute>())
            .SelectMany(attribute => attribute?.Ids ?? [])
            .Select(Components.ById);
    }
}
