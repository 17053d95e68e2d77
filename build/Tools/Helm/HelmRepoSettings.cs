namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm repo add</c>.</summary>
public sealed class HelmRepoAddSettings : HelmSettings
{
    /// <summary><c>--force-update</c>: replace an existing repository of the same name (e.g. a new URL).</summary>
    public bool ForceUpdate { get; set; } = true;

    /// <summary><c>--username</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Given to helm on standard input (<c>--password-stdin</c>), never on the command line.</summary>
    public string? Password { get; set; }
}

/// <summary><c>helm repo update</c>.</summary>
public sealed class HelmRepoUpdateSettings : HelmSettings
{
    /// <summary>Only these repositories; empty updates all.</summary>
    public IList<string> Repositories { get; } = [];
}
