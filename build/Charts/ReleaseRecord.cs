using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Charts;

/// <summary>
/// A helm release as helm recorded it in the cluster: its newest revision's status, chart, the values it was
/// given and the manifest it applied. Read through the door from helm's storage (a Secret per revision,
/// labelled <c>owner=helm,name=RELEASE</c>, holding gzipped JSON), so a converged re-run starts no helm process.
/// </summary>
public sealed record ReleaseRecord(string Name, string Namespace, int Revision, string Status, string ChartName, string ChartVersion, JsonObject Values, string Manifest)
{
    public string Chart => $"{ChartName}-{ChartVersion}";

    public bool IsDeployed => Status == "deployed";

    /// <summary>helm is (or was, when its run died) in the middle of an install, upgrade or rollback.</summary>
    public bool IsPending => Status.StartsWith("pending-", StringComparison.Ordinal);

    /// <summary>The newest earlier revision that was deployed (helm marks it <c>superseded</c> once a newer one is); null when none was.</summary>
    public int? LastDeployedRevision { get; init; }

    /// <summary>
    /// The newest revision of a release, or null when it was never installed. <paramref name="driver"/> is helm's
    /// storage (<c>$HELM_DRIVER</c>): Secrets by default, or ConfigMaps.
    /// </summary>
    public static async Task<ReleaseRecord?> ReadAsync(Cluster cluster, string release, string ns, string? driver)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var kind = StorageKind(driver);
        var revisions = await cluster.ListAsync("v1", kind, ns, $"owner=helm,name={release}");
        var newest = revisions.MaxBy(Version);
        if (newest is null)
        {
            return null;
        }

        var encoded = (string?)newest["data"]?["release"]
            ?? throw new InvalidOperationException($"helm's record {ns}/{(string?)newest["metadata"]?["name"]} holds no release.");
        var newestVersion = Version(newest);
        // helm labels each revision's record with its status: the earlier good ones are deployed or superseded.
        var lastDeployed = revisions
            .Where(item => Version(item) < newestVersion && (string?)item["metadata"]?["labels"]?["status"] is "deployed" or "superseded")
            .Select(Version)
            .DefaultIfEmpty(0)
            .Max();
        return Decode(encoded, ns, fromSecret: kind == "Secret") with { LastDeployedRevision = lastDeployed > 0 ? lastDeployed : null };
    }

    /// <summary>The names of every release helm has recorded in a namespace, read from its records' labels alone.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(Cluster cluster, string ns, string? driver)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var records = await cluster.ListAsync("v1", StorageKind(driver), ns, "owner=helm", metadataOnly: true);
        return [.. records.Select(item => (string?)item["metadata"]?["labels"]?["name"]).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>A record's <c>release</c> data: a Secret's is base64 on the wire; inside, helm stores base64 of gzipped JSON either way.</summary>
    public static ReleaseRecord Decode(string data, string ns, bool fromSecret)
    {
        var decoded = Unpack(fromSecret ? Encoding.UTF8.GetString(Convert.FromBase64String(data)) : data);
        return new ReleaseRecord(
            (string?)decoded["name"] ?? string.Empty,
            ns,
            (int?)decoded["version"] ?? 0,
            (string?)decoded["info"]?["status"] ?? "unknown",
            (string?)decoded["chart"]?["metadata"]?["name"] ?? string.Empty,
            (string?)decoded["chart"]?["metadata"]?["version"] ?? string.Empty,
            decoded["config"] as JsonObject ?? [],
            (string?)decoded["manifest"] ?? string.Empty);
    }

    /// <summary>The kind helm keeps its records in: Secrets (its default) or ConfigMaps, by <c>$HELM_DRIVER</c>.</summary>
    public static string StorageKind(string? driver) => driver switch
    {
        null or "" or "secret" or "secrets" => "Secret",
        "configmap" or "configmaps" => "ConfigMap",
        _ => throw new InvalidOperationException(
            $"HELM_DRIVER={driver}: the pipeline reads helm's release records from Secrets (helm's default) or ConfigMaps. Unset HELM_DRIVER or set it to secret or configmap."),
    };

    private static int Version(JsonObject item) => int.TryParse((string?)item["metadata"]?["labels"]?["version"], out var version) ? version : 0;

    private static JsonObject Unpack(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        // helm gzips its records (magic 1f 8b); very old ones are plain JSON.
        using var input = bytes is [0x1f, 0x8b, ..] ? (Stream)new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress) : new MemoryStream(bytes);
        return JsonNode.Parse(input) as JsonObject ?? throw new InvalidOperationException("helm's release record is not a JSON object.");
    }
}
