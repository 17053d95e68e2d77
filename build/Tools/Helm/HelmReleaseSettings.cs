namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm uninstall</c>.</summary>
public sealed class HelmUninstallSettings : HelmSettings
{
    /// <summary><c>--ignore-not-found</c>: uninstalling a release that is not there is not an error.</summary>
    public bool IgnoreNotFound { get; set; } = true;

    /// <summary>Wait until the resources are deleted: Helm 4 <c>--wait=watcher</c>, Helm 3 <c>--wait</c>.</summary>
    public bool Wait { get; set; }

    /// <summary><c>--timeout</c>.</summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary><c>helm status -o json</c>.</summary>
public sealed class HelmStatusSettings : HelmSettings
{
    /// <summary><c>--revision</c>; empty means the latest.</summary>
    public int? Revision { get; set; }
}

/// <summary><c>helm list -o json</c>.</summary>
public sealed class HelmListSettings : HelmSettings
{
    /// <summary><c>--all-namespaces</c>.</summary>
    public bool AllNamespaces { get; set; }

    /// <summary><c>--all</c>: include releases in every state, not only deployed and failed.</summary>
    public bool All { get; set; }

    /// <summary><c>--filter</c>: a regular expression on release names.</summary>
    public string? Filter { get; set; }
}

/// <summary><c>helm get values -o json</c>.</summary>
public sealed class HelmGetValuesSettings : HelmSettings
{
    /// <summary><c>--all</c>: computed values, not only the user-supplied ones.</summary>
    public bool AllValues { get; set; }

    /// <summary><c>--revision</c>.</summary>
    public int? Revision { get; set; }
}

/// <summary><c>helm history -o json</c>.</summary>
public sealed class HelmHistorySettings : HelmSettings
{
    /// <summary><c>--max</c> revisions to return.</summary>
    public int? Max { get; set; }
}

/// <summary><c>helm pull</c>.</summary>
public sealed class HelmPullSettings : HelmSettings
{
    /// <summary><c>--version</c>.</summary>
    public string? Version { get; set; }

    /// <summary><c>--repo</c>: the chart repository URL, for a chart given by bare name.</summary>
    public string? Repository { get; set; }

    /// <summary><c>--destination</c>.</summary>
    public Cake.Core.IO.DirectoryPath? Destination { get; set; }

    /// <summary><c>--untar</c>.</summary>
    public bool Untar { get; set; }
}
