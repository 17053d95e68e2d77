using Cake.Core;
using Cake.Core.Annotations;

namespace Mesh.Build.Tools.Helm;

/// <summary>Helm for tasks: <c>context.HelmUpgrade("istiod", chart, settings)</c>.</summary>
[CakeAliasCategory("Helm")]
public static class HelmAliases
{
    [CakeMethodAlias]
    public static void HelmRepoAdd(this ICakeContext context, string name, string url, HelmRepoAddSettings? settings = null) =>
        Runner(context).RepoAdd(name, url, settings ?? new HelmRepoAddSettings());

    [CakeMethodAlias]
    public static void HelmRepoUpdate(this ICakeContext context, HelmRepoUpdateSettings? settings = null) =>
        Runner(context).RepoUpdate(settings ?? new HelmRepoUpdateSettings());

    /// <summary><c>helm upgrade --install</c>: installs the release or upgrades it in place.</summary>
    [CakeMethodAlias]
    public static void HelmUpgrade(this ICakeContext context, string release, string chart, HelmUpgradeSettings? settings = null) =>
        Runner(context).Upgrade(release, chart, settings ?? new HelmUpgradeSettings());

    /// <summary><c>helm rollback</c>: back to an earlier revision (the previous one unless the settings name one).</summary>
    [CakeMethodAlias]
    public static void HelmRollback(this ICakeContext context, string release, HelmRollbackSettings? settings = null) =>
        Runner(context).Rollback(release, settings ?? new HelmRollbackSettings());

    /// <summary><c>helm uninstall</c>: removes the release and its records.</summary>
    [CakeMethodAlias]
    public static void HelmUninstall(this ICakeContext context, string release, HelmUninstallSettings? settings = null) =>
        Runner(context).Uninstall(release, settings ?? new HelmUninstallSettings());

    /// <summary>The manifests <c>helm template</c> renders.</summary>
    [CakeMethodAlias]
    public static string HelmTemplate(this ICakeContext context, string release, string chart, HelmTemplateSettings? settings = null) =>
        Runner(context).Template(release, chart, settings ?? new HelmTemplateSettings());

    /// <summary>The chart's Chart.yaml as <c>helm show chart</c> prints it; fails when the chart or version cannot be found.</summary>
    [CakeMethodAlias]
    public static string HelmShowChart(this ICakeContext context, string chart, HelmShowChartSettings? settings = null) =>
        Runner(context).ShowChart(chart, settings ?? new HelmShowChartSettings());

    [CakeMethodAlias]
    public static ToolVersion HelmVersion(this ICakeContext context, HelmSettings? settings = null) =>
        Runner(context).Version(settings ?? new HelmSettings());

    private static HelmRunner Runner(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new HelmRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }
}
