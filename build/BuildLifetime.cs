using Cake.Core;
using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;

namespace Mesh.Build;

/// <summary>Once per run: says what the run is about to do and with which settings. Cake skips it on --dryrun.</summary>
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
    }
}
