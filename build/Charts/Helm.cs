using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Charts;

/// <summary>
/// helm for what only helm does (install, upgrade, template, and the chart repositories), aimed at this run's
/// kubeconfig and context. Reading releases is not among it: their records are read through the cluster door.
/// </summary>
public sealed class Helm(HelmRunner runner, string? kubeconfig, string? kubeContext, Action<string>? retried = null)
{
    /// <summary>
    /// A command that talks to the cluster and fails transiently (see <see cref="HelmTransient"/>) runs again, up to 4
    /// times in all. Chart repositories are not retried: an unreachable one is a setting to fix, said at once.
    /// </summary>
    private readonly Polly.ResiliencePipeline _retry = HelmTransient.Pipeline(4, TimeSpan.FromSeconds(1), retried ?? (_ => { }));

    public void RepoAdd(string name, string url, string? username, string? password) =>
        runner.RepoAdd(name, url, Aimed(new HelmRepoAddSettings { Username = username, Password = password }));

    public void RepoUpdate(string repository)
    {
        var settings = Aimed(new HelmRepoUpdateSettings());
        settings.Repositories.Add(repository);
        runner.RepoUpdate(settings);
    }

    /// <summary>The chart's Chart.yaml; fails when the chart or version cannot be found.</summary>
    public string ShowChart(string reference, string? version) => runner.ShowChart(reference, Aimed(new HelmShowChartSettings { Version = version }));

    /// <summary><c>helm upgrade --install</c> with one values file (server-side apply on Helm 4).</summary>
    /// <paramref name="rollbackOnFailure"/>: a failed upgrade goes back to the revision before it (Helm 4
    /// <c>--rollback-on-failure</c>, Helm 3 <c>--atomic</c>; both wait for the resources).
    public void Upgrade(string release, string ns, ResolvedChart chart, string valuesFile, TimeSpan timeout, bool forceConflicts, bool rollbackOnFailure = false)
    {
        var settings = Aimed(new HelmUpgradeSettings { Version = chart.RequestedVersion, CreateNamespace = true, Timeout = timeout, ForceConflicts = forceConflicts, RollbackOnFailure = rollbackOnFailure }, ns);
        settings.ValuesFiles.Add(valuesFile);
        _retry.Execute(() => runner.Upgrade(release, chart.Reference, settings));
    }

    /// <summary><c>helm rollback RELEASE REVISION</c>, waiting for the resources.</summary>
    public void Rollback(string release, string ns, int revision, TimeSpan timeout) =>
        _retry.Execute(() => runner.Rollback(release, Aimed(new HelmRollbackSettings { Revision = revision, Wait = true, Timeout = timeout }, ns)));

    /// <summary><c>helm uninstall RELEASE</c>; a release that is not there is no error.</summary>
    public void Uninstall(string release, string ns, TimeSpan timeout) =>
        _retry.Execute(() => runner.Uninstall(release, Aimed(new HelmUninstallSettings { IgnoreNotFound = true, Timeout = timeout }, ns)));

    /// <summary>What the chart renders with these values, as <c>helm template</c> prints it.</summary>
    public string Template(string release, string ns, ResolvedChart chart, string valuesFile)
    {
        var settings = Aimed(new HelmTemplateSettings { Version = chart.RequestedVersion }, ns);
        settings.ValuesFiles.Add(valuesFile);
        return runner.Template(release, chart.Reference, settings);
    }

    private T Aimed<T>(T settings, string? ns = null)
        where T : HelmSettings
    {
        settings.KubeConfig = kubeconfig is null ? null : new Cake.Core.IO.FilePath(kubeconfig);
        settings.KubeContext = kubeContext;
        settings.Namespace = ns;
        return settings;
    }
}
