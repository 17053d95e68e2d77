using System.Text.Json.Nodes;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// Our own objects (the YAML under <c>manifests/</c>) converged through the door: read, compared with what we
/// want, and applied server-side only when the cluster lacks a field we want, so a converged cluster sees no
/// write. Each object is recorded with its outcome; in a plan nothing is applied and each is recorded as what
/// would happen, with the fields that differ.
/// </summary>
public sealed class Objects(Cluster cluster, RunRecord record, Action<string> log, string manifests, bool plan, TimeSpan waitTimeout)
{
    // What `kubectl rollout restart` sets on a pod template.
    private const string RestartedAt = "kubectl.kubernetes.io/restartedAt";

    /// <summary>How logs and plans name an object: <c>gateway.networking.istio.io/mesh-gateway in istio-ingress</c>.</summary>
    public static string Describe(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = (string?)obj["apiVersion"] ?? string.Empty;
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? "." + apiVersion.Split('/')[0] : string.Empty;
        var ns = (string?)obj["metadata"]?["namespace"];
        return $"{((string?)obj["kind"])?.ToLowerInvariant()}{group}/{(string?)obj["metadata"]?["name"]}{(ns is null ? string.Empty : $" in {ns}")}";
    }

    /// <summary>One of our files (<c>manifests/PATH</c>) filled in with <paramref name="values"/>, without applying it.</summary>
    public IReadOnlyList<JsonObject> Render(string manifest, IReadOnlyDictionary<string, object?> values) =>
        ManifestTemplate.Render(Path.Combine(manifests, manifest), values);

    /// <summary>Every object of one of our manifests, filled in with <paramref name="values"/>, converged in order.</summary>
    public async Task<IReadOnlyList<JsonObject>> ConvergeManifestAsync(string manifest, IReadOnlyDictionary<string, object?> values)
    {
        var objects = Render(manifest, values);
        foreach (var obj in objects)
        {
            await ConvergeAsync(obj);
        }

        return objects;
    }

    public async Task<Outcome> ConvergeAsync(JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var name = (string?)desired["metadata"]?["name"] ?? throw new ArgumentException("The object has no metadata.name.", nameof(desired));
        var live = await cluster.GetAsync((string)desired["apiVersion"]!, (string)desired["kind"]!, name, (string?)desired["metadata"]?["namespace"]);
        var missing = JsonDrift.MissingFields(live, desired);
        var secret = (string?)desired["kind"] == "Secret";
        var what = Describe(desired);
        if (live is not null && missing.Count == 0)
        {
            return Record(what, Outcome.Unchanged, "already right");
        }

        var fields = string.Join(", ", missing.Take(5).Select(field => field.Describe(showValues: !secret)));
        if (plan)
        {
            return live is null ? Record(what, Outcome.WouldCreate, "create") : Record(what, Outcome.WouldChange, $"change ({fields})");
        }

        // These objects are ours: a field someone changed by hand is taken back rather than failing the run.
        await cluster.ApplyAsync(desired, force: true);
        return live is null ? Record(what, Outcome.Created, "created") : Record(what, Outcome.Changed, $"changed ({string.Join(", ", missing.Take(5).Select(field => field.Path))})");
    }

    /// <summary>
    /// Removes every object of one of our manifests, the last first (a Namespace, first in its file, goes last).
    /// Only the objects' names and namespaces are filled in, from <paramref name="names"/>.
    /// </summary>
    public async Task RemoveManifestAsync(string manifest, IReadOnlyDictionary<string, object?> names)
    {
        var path = Path.Combine(manifests, manifest);
        foreach (var obj in ManifestTemplate.Parse(await File.ReadAllTextAsync(path), path).Reverse())
        {
            var ns = (string?)obj["metadata"]?["namespace"];
            await RemoveAsync(
                (string)obj["apiVersion"]!,
                (string)obj["kind"]!,
                ManifestTemplate.Fill((string)obj["metadata"]!["name"]!, names, path),
                ns is null ? null : ManifestTemplate.Fill(ns, names, path));
        }
    }

    /// <summary>
    /// Deletes one object and records it <c>removed</c>, or <c>already-absent</c> when it is not there (nor its
    /// kind served); a plan deletes nothing and records what it would remove.
    /// </summary>
    public async Task<Outcome> RemoveAsync(string apiVersion, string kind, string name, string? ns, string why = "")
    {
        var what = Describe(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } });
        var reason = why.Length == 0 ? string.Empty : $" ({why})";
        if (!await cluster.ServesAsync(apiVersion, kind))
        {
            return Record(what, Outcome.AlreadyAbsent, $"already absent (the server does not serve {kind} in {apiVersion})");
        }

        if (!await cluster.ExistsAsync(apiVersion, kind, name, ns))
        {
            return Record(what, Outcome.AlreadyAbsent, "already absent");
        }

        if (plan)
        {
            return Record(what, Outcome.WouldRemove, $"remove{reason}");
        }

        return await cluster.DeleteAsync(apiVersion, kind, name, ns)
            ? Record(what, Outcome.Removed, $"removed{reason}")
            : Record(what, Outcome.AlreadyAbsent, "already absent (gone before the delete)");
    }

    /// <summary>Waits (at most wait-timeout) until the object is gone: a Namespace takes its contents with it first.</summary>
    public async Task WaitGoneAsync(string apiVersion, string kind, string name, string? ns)
    {
        if (plan)
        {
            return;
        }

        await cluster.WaitAsync(apiVersion, kind, name, ns, "gone", Workloads.Gone, waitTimeout);
    }

    /// <summary>
    /// Waits (at most wait-timeout) until the Deployment's newest pods are all available, and at least one is:
    /// a component scaled to zero serves nothing. A plan changes nothing, so it waits for nothing.
    /// </summary>
    public async Task WaitForDeploymentAsync(string ns, string name)
    {
        if (plan)
        {
            return;
        }

        await cluster.WaitAsync("apps/v1", "Deployment", name, ns, "available", Workloads.DeploymentAvailable, waitTimeout);
        log($"{ns}/{name} is available");
    }

    /// <summary>
    /// Restarts a Deployment's pods, as <c>kubectl rollout restart</c> does (a new <c>restartedAt</c> annotation on its
    /// pod template, a plain update: no field of our applied manifest changes hands), and waits for the new pods.
    /// Pods take their proxy when they are created, so this is how a workload moves to another istiod revision.
    /// </summary>
    public async Task RestartAsync(string ns, string name, string why)
    {
        var what = $"deployment.apps/{name} in {ns}";
        if (plan)
        {
            Record(what, Outcome.WouldChange, $"restart ({why})");
            return;
        }

        while (true)
        {
            var live = await cluster.GetAsync("apps/v1", "Deployment", name, ns)
                ?? throw new InvalidOperationException($"deployment {ns}/{name} does not exist, so it cannot be restarted ({why}).");
            var template = live["spec"]!["template"]!.AsObject();
            var metadata = template["metadata"] as JsonObject ?? [];
            template["metadata"] = metadata;
            var annotations = metadata["annotations"] as JsonObject ?? [];
            metadata["annotations"] = annotations;
            annotations[RestartedAt] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            if (await cluster.ReplaceAsync(live) is not null)
            {
                break;
            }
        }

        Record(what, Outcome.Changed, $"restarted ({why})");
        await WaitForDeploymentAsync(ns, name);
    }

    private Outcome Record(string what, Outcome outcome, string detail)
    {
        record.Add(new Item("object", what, outcome, detail));
        log($"{what}: {detail}");
        return outcome;
    }
}
