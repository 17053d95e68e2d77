using System.Text.Json.Serialization;

namespace Mesh.Build.Tools.Helm;

/// <summary>One row of <c>helm list -o json</c>. Helm prints the revision as a string and the time in Go's layout.</summary>
public sealed record HelmRelease(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("revision")] string Revision,
    [property: JsonPropertyName("updated")] string Updated,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("chart")] string Chart,
    [property: JsonPropertyName("app_version")] string? AppVersion)
{
    public bool IsDeployed => Status == HelmReleaseStates.Deployed;
}

/// <summary><c>helm status -o json</c>: the release with its info; chart and config are left out on purpose.</summary>
public sealed record HelmReleaseStatus(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("info")] HelmReleaseInfo Info,
    [property: JsonPropertyName("manifest")] string? Manifest)
{
    public bool IsDeployed => Info.Status == HelmReleaseStates.Deployed;
}

/// <summary>The <c>info</c> object of a release.</summary>
public sealed record HelmReleaseInfo(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("first_deployed")] DateTimeOffset? FirstDeployed,
    [property: JsonPropertyName("last_deployed")] DateTimeOffset? LastDeployed,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("notes")] string? Notes);

/// <summary>One row of <c>helm history -o json</c>.</summary>
public sealed record HelmHistoryEntry(
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("updated")] DateTimeOffset? Updated,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("chart")] string Chart,
    [property: JsonPropertyName("app_version")] string? AppVersion,
    [property: JsonPropertyName("description")] string? Description);

/// <summary>Release states as helm spells them.</summary>
public static class HelmReleaseStates
{
    public const string Deployed = "deployed";
    public const string Failed = "failed";
    public const string Superseded = "superseded";
    public const string PendingInstall = "pending-install";
    public const string PendingUpgrade = "pending-upgrade";
    public const string PendingRollback = "pending-rollback";
    public const string Uninstalling = "uninstalling";
}
