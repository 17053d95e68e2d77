namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm upgrade --install</c>: installs a release or upgrades it in place, so a second run converges.</summary>
public sealed class HelmUpgradeSettings : HelmValuesSettings
{
    /// <summary><c>--version</c>: the chart version; empty means the latest (or the local chart as it is).</summary>
    public string? Version { get; set; }

    /// <summary><c>--create-namespace</c>.</summary>
    public bool CreateNamespace { get; set; }

    /// <summary>Wait for the release's resources to be ready: Helm 4 <c>--wait=watcher</c>, Helm 3 <c>--wait</c>.</summary>
    public bool Wait { get; set; }

    /// <summary><c>--timeout</c> for waiting and hooks; helm's default is 5 minutes.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Roll back a failed upgrade: Helm 4 <c>--rollback-on-failure</c>, Helm 3 <c>--atomic</c>.</summary>
    public bool RollbackOnFailure { get; set; }

    /// <summary>
    /// Helm 4 only: <c>--server-side=true|false</c>; null leaves helm's <c>auto</c>. Helm 3 only knows
    /// client-side apply, so it is not written there.
    /// </summary>
    public bool? ServerSide { get; set; } = true;

    /// <summary>Helm 4 only: <c>--force-conflicts</c>, take fields other managers own (server-side apply).</summary>
    public bool ForceConflicts { get; set; }
}
