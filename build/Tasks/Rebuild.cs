using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

/// <summary>
/// For nightly jobs: the cluster taken back to nothing of ours (Teardown, with its audit), then the whole chain
/// built on it afresh. Cake runs the dependencies in the order they are declared: Teardown first.
/// </summary>
[TaskName("Rebuild")]
[IsDependentOn(typeof(Teardown))]
[IsDependentOn(typeof(VerifyDashboards))]
[TaskDescription("Teardown, then the whole chain on the emptied cluster (for nightly jobs)")]
public sealed class Rebuild : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        context.Log.Information("Rebuilt: everything of ours was removed and the whole chain installed afresh");
}
