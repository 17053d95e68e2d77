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
public sealed class BuildLifetime(Func<string, string?>? variables = null) : FrostingLifetime<BuildContext>
{
    private readonly Func<string, string?> _variables = variables ?? Environment.GetEnvironmentVariable;
    private List<string> _planned = [];
    private bool _groupOpen;

    /// <summary>GitHub Actions sets GITHUB_ACTIONS=true: log groups, annotations and a step summary then.</summary>
    private bool OnGitHub => string.Equals(_variables("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);
    private string? _current;

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var settings = context.Settings;
        context.Interruption = Interruption.Listen();
        var tasks = TasksToRun(info).ToList();
        _planned = tasks;
        context.Log.Information(
            "{0} {1} for Istio {2}{3}, mTLS {4} ({5})",
            settings.Plan ? "Planning" : "Running",
            string.Join(" -> ", tasks),
            settings.IstioVersion,
            settings.IstioRevision is null ? string.Empty : $" revision {settings.IstioRevision}",
            settings.MtlsMode.ToString().ToUpperInvariant(),
            settings.MtlsScope.ToString().ToLowerInvariant());
        context.Log.Verbose("Settings:{0}{1}", Environment.NewLine, settings.Describe());
        // Nothing to do on the cluster when every task is InstallTools or skipped by its criteria (DNS off).
        if (tasks.All(task => task == TaskCatalog.NameOf(typeof(InstallTools)) || !WillRun(context, task)))
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
        // Unless Teardown runs first (Rebuild): then every release is installed afresh.
        var tearsDown = tasks.Contains(TaskCatalog.NameOf(typeof(Teardown)));
        var toLookUp = charts.Where(component => tearsDown || !context.Releases.IsAtWantedChartAsync(component).GetAwaiter().GetResult()).Select(component => component.Id).ToList();
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
        if (OnGitHub)
        {
            EndGroup(context);
            Always(context, $"::group::{info.Task.Name}");
            _groupOpen = true;
        }
    }

    public override void TaskTeardown(BuildContext context, ITaskTeardownContext info) => EndGroup(context);

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        EndGroup(context);
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
        var summary = Summarize(context, report, failure);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(ReportPath(context))!, "junit.xml"), summary.JUnit());
        if (!settings.Plan)
        {
            foreach (var line in summary.ConsoleLines())
            {
                context.Log.Information("{0}", line);
            }
        }

        if (OnGitHub)
        {
            EndGroup(context);
            summary.Annotations().ToList().ForEach(line => Always(context, line));
            if (_variables("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
            {
                File.AppendAllText(stepSummary, summary.Markdown());
            }
        }

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
            "Plan: {0} to create, {1} to change, {2} unchanged{3}; {4} proofs would run, {5} skipped.",
            totals["would-create"],
            totals["would-change"],
            totals["unchanged"],
            totals["would-remove"] + totals["already-absent"] > 0 ? $", {totals["would-remove"]} to remove, {totals["already-absent"]} already absent" : string.Empty,
            totals["would-prove"],
            totals["skipped"]);
    }

    private static string Symbol(Outcome outcome) => outcome switch
    {
        Outcome.WouldCreate => "+",
        Outcome.WouldChange => "~",
        Outcome.WouldProve => "?",
        Outcome.WouldRemove => "x",
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
        var path = ReportPath(context);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        context.Log.Verbose("report: {0}", path);
    }

    private static bool WillRun(BuildContext context, string task) => SkipMessage(context, task) is null;

    /// <summary>Why the task's criteria skip it, or null when it runs.</summary>
    private static string? SkipMessage(BuildContext context, string task)
    {
        var entry = TaskCatalog.Discover([typeof(BuildLifetime).Assembly]).Tasks.FirstOrDefault(candidate => candidate.Name == task);
        var instance = entry is null ? null : (IFrostingTask)Activator.CreateInstance(entry.Type)!;
        return instance is null || instance.ShouldRun(context) ? null
            : instance.SkippedMessage.Length > 0 ? instance.SkippedMessage : "its criteria were not met";
    }

    private static string ReportPath(BuildContext context) => Path.GetFullPath(context.Settings.Report, context.Environment.WorkingDirectory.FullPath);

    /// <summary>The run as the closing lines, the step summary and the JUnit file tell it.</summary>
    private RunSummary Summarize(BuildContext context, CakeReport? report, Exception? failure)
    {
        var entries = TasksOf(report).ToList();
        var failedTask = entries.FirstOrDefault(entry => entry.ExecutionStatus == CakeTaskExecutionStatus.Failed)?.TaskName
            ?? (failure is not null && context.Record.CurrentTask is var current && _planned.Contains(current) ? current : null);
        var tasks = entries.Select(entry => new TaskResult(
                entry.TaskName,
                entry.ExecutionStatus switch
                {
                    CakeTaskExecutionStatus.Skipped => "skipped",
                    CakeTaskExecutionStatus.Failed => "failed",
                    _ => entry.TaskName == failedTask ? "failed" : "succeeded",
                },
                entry.Duration,
                entry.ExecutionStatus == CakeTaskExecutionStatus.Skipped ? (entry.SkippedMessage is { Length: > 0 } why ? why : "its criteria were not met") : null,
                context.Record.ItemsOf(entry.TaskName)))
            .ToList();
        if (failedTask is not null && tasks.All(task => task.Name != failedTask))
        {
            tasks.Add(new TaskResult(failedTask, "failed", TimeSpan.Zero, null, context.Record.ItemsOf(failedTask)));
        }

        // Cake leaves out of its report a target its criteria skipped, and every task after a failure.
        tasks.AddRange(_planned.Where(name => tasks.All(task => task.Name != name))
            .Select(name => SkipMessage(context, name) is { } why
                ? new TaskResult(name, "skipped", TimeSpan.Zero, why, [])
                : new TaskResult(name, "not run", TimeSpan.Zero, $"{failedTask ?? "the run"} failed first", [])));
        return new RunSummary(context.Settings.Plan, tasks, failedTask, failure?.Message, AccessOf(context, tasks));
    }

    /// <summary>Where MailHog and the dashboards are, once the tasks that make them have succeeded.</summary>
    private static List<Access> AccessOf(BuildContext context, IReadOnlyList<TaskResult> tasks)
    {
        bool Succeeded(string task) => tasks.Any(result => result.Name == task && result.Status == "succeeded");
        var access = new List<Access>();
        var hosts = context.KnownHosts;
        var settings = context.Settings;
        if (hosts is not null && Succeeded(TaskCatalog.NameOf(typeof(DeployMailHog))))
        {
            var url = hosts.Url(hosts.MailHog);
            access.Add(new Access(settings.MailServer.ToString(), url));
            if (settings.TlsMode == Settings.TlsMode.SelfSigned)
            {
                access.Add(new Access(
                    "trust our CA",
                    $"kubectl -n {Istio.MeshLayout.GatewayNamespace} get secret {ConfigureGateway.CaSecret} -o jsonpath='{{.data.ca\\.crt}}' | base64 -d > mesh-ca.crt; curl --cacert mesh-ca.crt {url}"));
            }
        }

        if (Succeeded(TaskCatalog.NameOf(typeof(InstallIstio))))
        {
            foreach (var dashboard in Istio.Dashboard.Enabled(settings))
            {
                var how = $"{dashboard.PortForward}, then {dashboard.LocalAddress}";
                if (hosts is not null && hosts.Dashboards.TryGetValue(dashboard.Id, out var host))
                {
                    how = $"{hosts.Url(host, dashboard.UiPath)} (or {how})";
                }

                access.Add(new Access(dashboard.Title, how));
            }
        }

        return access;
    }

    private void EndGroup(BuildContext context)
    {
        if (_groupOpen)
        {
            Always(context, "::endgroup::");
            _groupOpen = false;
        }
    }

    /// <summary>A line at every verbosity: workflow commands must reach the log even with --verbosity=quiet.</summary>
    private static void Always(BuildContext context, string line) => context.Log.Write(Verbosity.Quiet, LogLevel.Information, "{0}", line);

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
