using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Kubernetes;
using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Charts;

/// <summary>
/// A helm release as we want it: which chart, where, with which values. <c>ForceConflicts</c> takes back
/// fields another manager changed since our last apply (server-side apply), for charts whose objects a
/// controller edits at run time, as istiod does with its webhooks' failurePolicy.
/// </summary>
public sealed record ReleaseSpec(string Release, string Namespace, string ChartId, JsonObject Values, bool ForceConflicts = false);

/// <summary>
/// Installs or upgrades helm releases only when they differ from what we want: a release already deployed
/// from the same chart version with the same values is left alone, so a re-run makes no new revision.
/// </summary>
public static class Releases
{
    public static Change Converge(BuildContext context, ReleaseSpec spec)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(spec);
        var chart = context.Charts.Resolve(spec.ChartId);
        var current = context.HelmList(context.Helm(new HelmListSettings { All = true, Filter = $"^{spec.Release}$" }, spec.Namespace))
            .FirstOrDefault(release => release.Name == spec.Release);
        var why = string.Empty;
        if (current is not null)
        {
            var values = context.HelmGetValues(spec.Release, context.Helm(new HelmGetValuesSettings(), spec.Namespace));
            var drift = JsonDrift.Differences(values, spec.Values);
            if (current.IsDeployed && current.Chart == chart.NameAndVersion && drift.Count == 0)
            {
                context.Log.Information("{0}/{1}: already right ({2}, revision {3})", spec.Namespace, spec.Release, current.Chart, current.Revision);
                return Change.Unchanged;
            }

            why = !current.IsDeployed ? $"release is {current.Status}"
                : current.Chart != chart.NameAndVersion ? $"{current.Chart} -> {chart.NameAndVersion}"
                : $"values differ at {string.Join(", ", drift.Take(5))}";
        }

        var valuesFile = Path.Combine(context.ScratchDirectory, $"{spec.Namespace}-{spec.Release}-values.json");
        File.WriteAllText(valuesFile, spec.Values.ToJsonString());
        var settings = context.Helm(
            new HelmUpgradeSettings
            {
                Version = chart.RequestedVersion,
                CreateNamespace = true,
                Timeout = context.Settings.HelmTimeout,
                ForceConflicts = spec.ForceConflicts,
            },
            spec.Namespace);
        settings.ValuesFiles.Add(valuesFile);
        context.HelmUpgrade(spec.Release, chart.Reference, settings);
        if (current is null)
        {
            context.Log.Information("{0}/{1}: installed {2}", spec.Namespace, spec.Release, chart.NameAndVersion);
            return Change.Created;
        }

        context.Log.Information("{0}/{1}: upgraded to {2} ({3})", spec.Namespace, spec.Release, chart.NameAndVersion, why);
        return Change.Changed;
    }
}
