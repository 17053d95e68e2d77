using System.Text.Json.Nodes;
using Mesh.Build.Catalog;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Charts;

/// <summary>
/// A helm release as we want it: which component (its chart, namespace), under which release name, with which
/// values; at <paramref name="ChartVersion"/> when it stays at a chart of its own, else at the settings' version.
/// </summary>
public sealed record ReleaseSpec(Component Component, string Release, JsonObject Values, string? ChartVersion = null)
{
    public string Namespace => Component.Namespace;

    public string Name => $"{Namespace}/{Release}";
}

/// <summary>
/// Installs or upgrades helm releases only when they are not as wanted. A release is already right when helm's
/// record says it is deployed from the same chart and version with the same values, and the objects of its last
/// manifest are in the cluster with the fields the chart set. A field that differs only because a controller
/// owns it at run time (see <see cref="FieldOwners"/>) is not drift. In a plan nothing is installed; each release
/// is recorded as what would happen, with the values and object fields that differ.
/// </summary>
public sealed class Releases(
    Cluster cluster, Helm helm, ChartResolver charts, MeshSettings settings, RunRecord record, Action<string> log, Func<string> scratch, string? helmDriver, Progress progress)
{
    // Each record is read once per run (the setup asks first) and again only after this run changed the release.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ReleaseRecord?> _records = new(StringComparer.Ordinal);

    /// <summary>The record of a release, read from the cluster.</summary>
    public async Task<ReleaseRecord?> ReadAsync(string release, string ns)
    {
        var key = $"{ns}/{release}";
        if (!_records.TryGetValue(key, out var record))
        {
            record = await ReleaseRecord.ReadAsync(cluster, release, ns, helmDriver);
            _records[key] = record;
        }

        return record;
    }

    /// <summary>Every release of <paramref name="component"/> in its namespace: its own, and for istiod, one per revision.</summary>
    public async Task<IReadOnlyList<string>> InstalledAsync(Component component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var names = await ReleaseRecord.NamesAsync(cluster, component.Namespace, helmDriver);
        return [.. names.Where(name => name == component.Release || (component.Revisioned && name.StartsWith($"{component.Release}-", StringComparison.Ordinal)))];
    }

    /// <summary>Whether the release is deployed from the chart and version the settings ask for (the chart need not be looked up then).</summary>
    public async Task<bool> IsAtWantedChartAsync(Component component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var current = await ReadAsync(component.ReleaseFor(settings.IstioRevision), component.Namespace);
        var source = settings.Charts[component.Id];
        return current is { IsDeployed: true } && current.ChartName == source.Chart && current.ChartVersion == source.Version;
    }

    public async Task<Outcome> ConvergeAsync(ReleaseSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (settings.ValuesOverlays.TryGetValue(spec.Component.Id, out var overlayFile))
        {
            var overlay = ManifestTemplate.Parse(File.ReadAllText(overlayFile), overlayFile).Single();
            spec = spec with { Values = ValuesOverlay.Merge(spec.Values, overlay) };
            log($"{spec.Namespace}/{spec.Release}: values of {overlayFile} merged over ours");
        }

        var source = settings.Charts[spec.Component.Id];
        var wanted = $"{source.Chart}-{spec.ChartVersion ?? source.Version}";
        var current = await ReadAsync(spec.Release, spec.Namespace);
        if (current is { IsPending: true })
        {
            if (settings.Plan)
            {
                return Record(spec, Outcome.WouldChange, $"recover: {Stuck(current)}; would {(current.LastDeployedRevision is { } revision ? $"roll back to revision {revision}" : "remove it (it never deployed)")}, then install {wanted}");
            }

            current = await RecoverAsync(spec, current);
        }

        var reasons = new List<string>();
        var drift = new List<string>();
        if (current is not null)
        {
            var values = JsonDrift.Differences(current.Values, spec.Values);
            if (!current.IsDeployed)
            {
                reasons.Add($"release is {current.Status}");
            }
            else if (current.Chart != wanted)
            {
                reasons.Add($"{current.Chart} -> {wanted}");
            }
            else if (values.Count > 0)
            {
                reasons.Add($"values differ at {string.Join(", ", values.Take(5))}");
            }
            else
            {
                drift.AddRange(await DriftAsync(current.Manifest, spec.Namespace));
                if (drift.Count == 0)
                {
                    return Record(spec, Outcome.Unchanged, $"already right ({current.Chart}, revision {current.Revision})");
                }
            }
        }

        if (settings.Plan)
        {
            return current is null ? Record(spec, Outcome.WouldCreate, $"install {wanted}")
                : drift.Count > 0 ? Record(spec, Outcome.WouldChange, $"change ({string.Join(", ", drift)})")
                : Record(spec, Outcome.WouldChange, $"upgrade to {wanted} ({string.Join("; ", [.. reasons, .. await UpgradeChangesAsync(spec)])})");
        }

        var chart = charts.Resolve(spec.Component.Id, spec.ChartVersion);
        var valuesFile = Path.Combine(scratch(), $"{spec.Namespace}-{spec.Release}-values.json");
        await File.WriteAllTextAsync(valuesFile, spec.Values.ToJsonString());
        // Drift is a person's edit (kubectl owns the field now): taking it back needs force under server-side apply.
        _records.TryRemove(spec.Name, out _);
        try
        {
            // An upgrade of a deployed release that fails goes back to it, so what served before serves on.
            using (progress.Start(elapsed => $"helm is {(current is null ? "installing" : "upgrading")} {spec.Namespace}/{spec.Release} ({chart.NameAndVersion}) and waiting for it: {Progress.Elapsed(elapsed)} so far (helm-timeout {Tools.GoDuration.Format(settings.HelmTimeout)})"))
            {
                helm.Upgrade(spec.Release, spec.Namespace, chart, valuesFile, settings.HelmTimeout, spec.Component.ForceConflicts || drift.Count > 0, rollbackOnFailure: current is { IsDeployed: true });
            }
        }
        catch (Tools.ToolCommandException failure) when (current is { IsDeployed: true })
        {
            var after = await ReadAsync(spec.Release, spec.Namespace);
            var now = after is { IsDeployed: true }
                ? $"helm rolled it back: revision {after.Revision} ({after.Chart}, the values of revision {current.Revision}) is deployed and serving"
                : $"helm's rollback did not complete: the release is {after?.Status ?? "gone"}";
            throw new ReleaseUpgradeFailedException(
                $"{spec.Name}: the upgrade to {chart.NameAndVersion} failed: {failure.LastError}. {now}. " +
                $"Fix the cause and run again; `helm history {spec.Release} -n {spec.Namespace}` lists the revisions.",
                failure);
        }
        finally
        {
            File.Delete(valuesFile);
        }

        return current is null ? Record(spec, Outcome.Created, $"installed {chart.NameAndVersion}")
            : drift.Count > 0 ? Record(spec, Outcome.Changed, $"changed ({string.Join(", ", drift)})")
            : Record(spec, Outcome.Changed, $"upgraded to {chart.NameAndVersion} ({string.Join("; ", reasons)})");
    }

    /// <summary>The names of every release helm has recorded in a namespace (every istiod revision, for instance).</summary>
    public Task<IReadOnlyList<string>> NamesAsync(string ns) => ReleaseRecord.NamesAsync(cluster, ns, helmDriver);

    /// <summary>
    /// <c>helm uninstall</c> of a release that is there, recorded <c>removed</c>; <c>already-absent</c> when helm has no
    /// record of it. A plan uninstalls nothing and records what it would remove. <paramref name="note"/> says why, or what stays.
    /// </summary>
    public async Task<Outcome> RemoveAsync(Component component, string release, string note = "")
    {
        ArgumentNullException.ThrowIfNull(component);
        var name = $"{component.Namespace}/{release}";
        var current = await ReadAsync(release, component.Namespace);
        var kept = note.Length == 0 ? string.Empty : $"; {note}";
        if (current is null)
        {
            return Record(name, Outcome.AlreadyAbsent, "already absent");
        }

        if (settings.Plan)
        {
            return Record(name, Outcome.WouldRemove, $"uninstall {current.Chart} (revision {current.Revision}, {current.Status}){kept}");
        }

        _records.TryRemove(name, out _);
        using (progress.Start(elapsed => $"helm is uninstalling {name}: {Progress.Elapsed(elapsed)} so far (helm-timeout {Tools.GoDuration.Format(settings.HelmTimeout)})"))
        {
            helm.Uninstall(release, component.Namespace, settings.HelmTimeout);
        }

        return Record(name, Outcome.Removed, $"uninstalled {current.Chart} (revision {current.Revision}){kept}");
    }

    /// <summary>
    /// A release taken away without <c>helm uninstall</c>, for when helm would delete what must stay: every object of its
    /// last manifest but those <paramref name="kept"/> is deleted, then helm's records of it, so helm forgets it and the
    /// kept objects stay as they are. A plan deletes nothing and records what it would remove.
    /// </summary>
    public async Task<Outcome> RemoveKeepingAsync(Component component, string release, Func<JsonObject, bool> kept, string keeps)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(kept);
        var name = $"{component.Namespace}/{release}";
        var current = await ReadAsync(release, component.Namespace);
        if (current is null)
        {
            return Record(name, Outcome.AlreadyAbsent, "already absent");
        }

        if (settings.Plan)
        {
            return Record(name, Outcome.WouldRemove, $"remove the objects of {current.Chart} (revision {current.Revision}) and helm's records of it; {keeps}");
        }

        var deleted = 0;
        foreach (var obj in ManifestTemplate.Parse(current.Manifest, $"the manifest of {name}").Where(obj => !kept(obj)))
        {
            var resource = await cluster.ResourceAsync((string)obj["apiVersion"]!, (string)obj["kind"]!);
            var ns = resource.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? component.Namespace : null;
            deleted += await cluster.DeleteAsync(resource.ApiVersion, resource.Kind, (string)obj["metadata"]!["name"]!, ns) ? 1 : 0;
        }

        var storage = ReleaseRecord.StorageKind(helmDriver);
        foreach (var revision in await cluster.ListAsync("v1", storage, component.Namespace, $"owner=helm,name={release}", metadataOnly: true))
        {
            await cluster.DeleteAsync("v1", storage, (string)revision["metadata"]!["name"]!, component.Namespace);
        }

        _records.TryRemove(name, out _);
        return Record(name, Outcome.Removed, $"removed {deleted} object(s) of {current.Chart} (revision {current.Revision}) and helm's records of it; {keeps}");
    }

    /// <summary>
    /// A release helm left pending (its run died mid-way) blocks every later helm command ("another operation is in
    /// progress"). Back to its last deployed revision, or, when it never deployed, removed so it installs afresh.
    /// </summary>
    private async Task<ReleaseRecord?> RecoverAsync(ReleaseSpec spec, ReleaseRecord stuck)
    {
        if (stuck.LastDeployedRevision is { } revision)
        {
            log($"{spec.Name}: {Stuck(stuck)}; rolling it back to revision {revision}, its last deployed one");
            helm.Rollback(spec.Release, spec.Namespace, revision, settings.HelmTimeout);
        }
        else
        {
            log($"{spec.Name}: {Stuck(stuck)} and never deployed; removing it so that it installs afresh");
            helm.Uninstall(spec.Release, spec.Namespace, settings.HelmTimeout);
        }

        return await ReadAsync(spec.Release, spec.Namespace);
    }

    private static string Stuck(ReleaseRecord record) => $"release is {record.Status} at revision {record.Revision}, left so by a helm run that stopped";

    /// <summary>The objects of a manifest that are missing or hold a field differently from the chart, fields a controller owns aside.</summary>
    private async Task<IReadOnlyList<string>> DriftAsync(string manifest, string ns)
    {
        var found = new List<string>();
        foreach (var desired in ManifestTemplate.Parse(manifest, $"the manifest of a release in {ns}"))
        {
            var (live, name) = await LiveOfAsync(desired, ns);
            if (live is null)
            {
                found.Add($"{name} is missing");
                continue;
            }

            var fields = JsonDrift.MissingFields(live, ComparableForm(desired))
                .Where(field => !FieldOwners.IsRunTimeField(live, field.Segments) && !FieldOwners.IsDroppedZeroValue(live, field))
                .Select(field => field.Describe(showValues: (string?)desired["kind"] != "Secret"))
                .ToList();
            if (fields.Count > 0)
            {
                found.Add($"{name} {string.Join(", ", fields.Take(5))}");
            }
        }

        return found;
    }

    /// <summary>For a plan: what an upgrade would change in the live objects, from the wanted chart rendered with the wanted values.</summary>
    private async Task<IReadOnlyList<string>> UpgradeChangesAsync(ReleaseSpec spec)
    {
        var chart = charts.Resolve(spec.Component.Id, spec.ChartVersion);
        var valuesFile = Path.Combine(scratch(), $"{spec.Namespace}-{spec.Release}-plan-values.json");
        await File.WriteAllTextAsync(valuesFile, spec.Values.ToJsonString());
        var rendered = helm.Template(spec.Release, spec.Namespace, chart, valuesFile);
        File.Delete(valuesFile);
        var changes = await DriftAsync(rendered, spec.Namespace);
        return changes.Count == 0 ? ["no object field would change"] : changes;
    }

    private async Task<(JsonObject? Live, string Name)> LiveOfAsync(JsonObject desired, string ns)
    {
        var apiVersion = (string?)desired["apiVersion"] ?? string.Empty;
        var kind = (string?)desired["kind"] ?? string.Empty;
        var objectName = (string?)desired["metadata"]?["name"] ?? string.Empty;
        var resource = await cluster.ResourceAsync(apiVersion, kind);
        var objectNamespace = resource.Namespaced ? (string?)desired["metadata"]?["namespace"] ?? ns : null;
        if (resource.Namespaced)
        {
            desired["metadata"]!["namespace"] = objectNamespace;
        }

        return (await cluster.GetAsync(apiVersion, kind, objectName, objectNamespace), $"{kind.ToLowerInvariant()}/{objectName}");
    }

    // The server keeps a Secret's stringData as base64 data; compare like with like.
    private static JsonObject ComparableForm(JsonObject desired)
    {
        if (desired["stringData"] is not JsonObject text)
        {
            return desired;
        }

        var copy = desired.DeepClone().AsObject();
        copy.Remove("stringData");
        var data = copy["data"] as JsonObject ?? [];
        foreach (var (key, value) in text)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((string?)value ?? string.Empty));
        }

        copy["data"] = data;
        return copy;
    }

    private Outcome Record(ReleaseSpec spec, Outcome outcome, string detail) => Record(spec.Name, outcome, detail);

    private Outcome Record(string name, Outcome outcome, string detail)
    {
        record.Add(new Item("release", name, outcome, detail));
        log($"{name}: {detail}");
        return outcome;
    }
}

/// <summary>An upgrade failed (and was rolled back); the message says helm's error and what serves now.</summary>
public sealed class ReleaseUpgradeFailedException(string message, Exception inner) : Exception(message, inner);
