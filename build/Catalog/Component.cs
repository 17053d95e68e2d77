namespace Mesh.Build.Catalog;

/// <summary>When a run installs a component.</summary>
public enum EnabledWhen
{
    /// <summary>Every run of its task.</summary>
    Always,

    /// <summary>Only with a DNS provider (dns-provider is not none).</summary>
    DnsProvider,

    /// <summary>Only when the <c>dashboards</c> setting names it.</summary>
    Dashboard,
}

/// <summary>
/// One chart we install, with everything the pipeline knows about it in one place: its chart and where that
/// comes from by default (the settings <c>ID-chart-repo</c> and <c>ID-chart-version</c> override both), the
/// release and namespace it is installed as, our values file (<c>manifests/values/ID.yaml</c>), the Deployment
/// that must be available afterwards, and when it is installed at all.
/// </summary>
/// <param name="Id">the prefix of its settings, also the name the <c>dashboards</c> setting uses.</param>
/// <param name="Chart">the chart's name in its repository.</param>
/// <param name="Repository">the official repository (an https URL or an oci:// reference).</param>
/// <param name="Version">the pinned chart version; empty for Istio's charts, which follow <c>istio-version</c>.</param>
/// <param name="Release">the helm release; istiod's gains the revision's suffix (<see cref="ReleaseFor"/>).</param>
/// <param name="Namespace"></param>
/// <param name="Deployment">the Deployment to wait for, named as the release unless the chart names it otherwise; null for none.</param>
/// <param name="EnabledWhen"></param>
/// <param name="ForceConflicts">take back fields a controller edits at run time on upgrade (istiod edits its webhooks).</param>
/// <param name="Revisioned"></param>
public sealed record Component(
    string Id,
    string Chart,
    string Repository,
    string Version,
    string Release,
    string Namespace,
    string? Deployment,
    EnabledWhen EnabledWhen = EnabledWhen.Always,
    bool ForceConflicts = false,
    bool Revisioned = false)
{
    /// <summary>Our values for its chart, under <c>manifests/</c>.</summary>
    public string ValuesFile => $"values/{Id}.yaml";

    /// <summary>The release for an istiod revision (empty for revision-less): istiod's carries it, the others do not.</summary>
    public string ReleaseFor(string? revision) => Revisioned && revision is not null ? $"{Release}-{revision}" : Release;

    /// <summary>The Deployment for an istiod revision, as <see cref="ReleaseFor"/>.</summary>
    public string? DeploymentFor(string? revision) => Revisioned && revision is not null && Deployment is not null ? $"{Deployment}-{revision}" : Deployment;
}
