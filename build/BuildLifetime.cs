using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;

namespace Mesh.Build;

/// <summary>
/// Once per run: says what the run is about to do and with which settings, and looks up every chart the
/// run's tasks install, so a missing chart or version stops the run before anything changes. Cake skips
/// it on --dryrun.
/// </summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info)
    {
        var settings = context.Settings;
        context.Log.Information(
            "Running {0} for Istio {1}{2}, mTLS {3} ({4})",
            string.Join(" -> ", info.TasksToExecute.Select(task => task.Name)),
            settings.IstioVersion,
            settings.IstioRevision is null ? string.Empty : $" revision {settings.IstioRevision}",
            settings.MtlsMode.ToString().ToUpperInvariant(),
            settings.MtlsScope.ToString().ToLowerInvariant());
        context.Log.Verbose("Settings:{0}{1}", Environment.NewLine, settings.Describe());

        var charts = ChartsOf(info.TasksToExecute.Select(task => task.Name)).Where(settings.Installs).Distinct().ToList();
        if (charts.Count > 0)
        {
            context.RequireTools();
            context.Charts.Preflight(charts);
        }
    }

    public override void Teardown(BuildContext context, ITeardownContext info) => context.CleanScratch();

    private static IEnumerable<string> ChartsOf(IEnumerable<string> taskNames)
    {
        var tasks = TaskCatalog.Discover([typeof(BuildLifetime).Assembly]).Tasks;
        return taskNames
            .Select(name => tasks.FirstOrDefault(task => task.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Type.GetCustomAttribute<InstallsChartsAttribute>())
            .SelectMany(attribute => attribute?.Ids ?? []);
    }
}
