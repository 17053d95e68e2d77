namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm rollback RELEASE [REVISION]</c>: makes a new revision from an earlier one.</summary>
public sealed class HelmRollbackSettings : HelmSettings
{
    /// <summary>The revision to go back to; null is the previous one.</summary>
    public int? Revision { get; set; }

    /// <summary>Wait for the resources to be ready: Helm 4 <c>--wait=watcher</c>, Helm 3 <c>--wait</c>.</summary>
    public bool Wait { get; set; }

    /// <summary><c>--timeout</c> for waiting and hooks.</summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary><c>helm uninstall RELEASE</c>: removes the release's resources and its records.</summary>
public sealed class HelmUninstallSettings : HelmSettings
{
    /// <summary><c>--ignore-not-found</c>: a release that is not there is not an error.</summary>
    public bool IgnoreNotFound { get; set; }

    /// <summary>Wait for the resources to be gone: Helm 4 <c>--wait=watcher</c>, Helm 3 <c>--wait</c>.</summary>
    public bool Wait { get; set; }

    /// <summary><c>--timeout</c> for waiting and hooks.</summary>
    public TimeSpan? Timeout { get; set; }
}
