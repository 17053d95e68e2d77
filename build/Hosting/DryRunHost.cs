using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.Scripting;

namespace Mesh.Build.Hosting;

/// <summary>
/// <c>--dryrun</c>: Cake's engine walks the graph for the target and evaluates each task's criteria, but no
/// action, setup or teardown runs. Unlike Cake.Cli's dry run it also lists the tasks the criteria would skip,
/// with the reason, so the plan shows the whole chain.
/// </summary>
public sealed class DryRunHost(ICakeEngine engine, ICakeContext context, ICakeLog log) : ScriptHost(engine, context)
{
    public override System.Threading.Tasks.Task<CakeReport> RunTargetAsync(string target) => RunTargetsAsync([target]);

    public override async System.Threading.Tasks.Task<CakeReport> RunTargetsAsync(IEnumerable<string> targets)
    {
        var names = targets.ToList();
        Settings.SetTargets(names);
        log.Information("Dry run of {0}: these tasks would run, in this order; nothing is changed.", string.Join(", ", names));
        var report = await Engine.RunTargetAsync(Context, new DryRunStrategy(log), Settings);
        log.Information("This was a dry run: no task was executed.");
        return report;
    }
}
