using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Manifests;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// Objects of ours in the cluster, through kubectl: read one, and converge one by server-side apply only
/// when the cluster lacks some field we want, so a converged cluster sees no write at all.
/// </summary>
public static class ClusterObjects
{
    public const string FieldManager = "mesh-build";

    /// <summary>
    /// kubectl's name for an object's type, unambiguous across API groups: <c>gateway.v1.networking.istio.io</c>;
    /// the core group's kinds go by their name alone (<c>namespace</c>), since kubectl reads <c>namespace.v1</c> as a group.
    /// </summary>
    public static string ResourceOf(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = (string?)obj["apiVersion"] ?? throw new ArgumentException("The object has no apiVersion.", nameof(obj));
        var kind = ((string?)obj["kind"] ?? throw new ArgumentException("The object has no kind.", nameof(obj))).ToLowerInvariant();
        return apiVersion.Split('/') switch
        {
            [_] => kind,
            [var group, var version] => $"{kind}.{version}.{group}",
            _ => throw new ArgumentException($"Unexpected apiVersion '{apiVersion}'.", nameof(obj)),
        };
    }

    /// <summary>How logs name an object: <c>gateway.networking.istio.io/mailhog in mailhog</c>.</summary>
    public static string Describe(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var apiVersion = (string?)obj["apiVersion"] ?? string.Empty;
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? "." + apiVersion.Split('/')[0] : string.Empty;
        var ns = (string?)obj["metadata"]?["namespace"];
        return $"{((string?)obj["kind"])?.ToLowerInvariant()}{group}/{(string?)obj["metadata"]?["name"]}{(ns is null ? string.Empty : $" in {ns}")}";
    }

    /// <summary>The live object, or null when there is none.</summary>
    public static JsonObject? Get(BuildContext context, string resource, string name, string? @namespace) =>
        context.KubectlGet(resource, name, context.Kubectl(new KubectlGetSettings { IgnoreNotFound = true }, @namespace)) as JsonObject;

    /// <summary>Waits (at most wait-timeout) until the Deployment's rollout is complete and its pods available.</summary>
    public static void WaitForDeployment(BuildContext context, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.KubectlRolloutStatus($"deployment/{name}", context.Kubectl(new KubectlRolloutStatusSettings { Timeout = context.Settings.WaitTimeout }, ns));
        context.Log.Information("{0}/{1} is available", ns, name);
    }

    /// <summary>Every object of one of our manifests (<c>manifests/PATH</c>), filled in with <paramref name="values"/>, converged in order.</summary>
    public static IReadOnlyList<JsonObject> ConvergeManifest(BuildContext context, string manifest, IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        var objects = ManifestTemplate.Render(context.Manifest(manifest), values);
        foreach (var obj in objects)
        {
            Converge(context, obj);
        }

        return objects;
    }

    public static Change Converge(BuildContext context, JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(desired);
        var name = (string?)desired["metadata"]?["name"] ?? throw new ArgumentException("The object has no metadata.name.", nameof(desired));
        var ns = (string?)desired["metadata"]?["namespace"];
        var live = Get(context, ResourceOf(desired), name, ns);
        var missing = JsonDrift.Missing(live, desired);
        if (live is not null && missing.Count == 0)
        {
            context.Log.Information("{0}: already right", Describe(desired));
            return Change.Unchanged;
        }

        var file = Path.Combine(context.ScratchDirectory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(file, desired.ToJsonString());
        // These objects are ours: a field someone changed by hand is taken back rather than failing the run.
        var apply = context.Kubectl(new KubectlApplySettings { FieldManager = FieldManager, ForceConflicts = true });
        apply.Files.Add(file);
        context.KubectlApply(apply);
        File.Delete(file);
        context.Log.Information(
            "{0}: {1}",
            Describe(desired),
            live is null ? "created" : $"changed ({string.Join(", ", missing.Take(5))})");
        return live is null ? Change.Created : Change.Changed;
    }
}
