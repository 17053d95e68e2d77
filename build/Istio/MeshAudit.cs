using System.Text.Json.Nodes;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Istio;

/// <summary>
/// What Teardown must leave no trace of: the namespaces we made, the releases we installed (every istiod revision
/// too), and the objects that say whose they are.
/// </summary>
/// <param name="Namespaces">the namespaces the pipeline created.</param>
/// <param name="IsOurRelease">whether a helm release name is one of ours.</param>
/// <param name="CrdsKept">Istio's CRDs stay by design (include-crds=false): not leftovers.</param>
public sealed record AuditScope(IReadOnlyCollection<string> Namespaces, Func<string, bool> IsOurRelease, bool CrdsKept);

/// <summary>
/// After Teardown: every kind the server lists, read as metadata only (a Secret's data never travels), looked
/// through for anything of ours or Istio's: a namespace we created, Istio's label
/// (<c>app.kubernetes.io/part-of=istio</c>), a revision label (<c>istio.io/rev</c>, <c>istio.io/tag</c>), our field
/// manager (<c>mesh-build</c>), an object or record of one of our helm releases, istiod's root-certificate ConfigMap,
/// Istio's webhooks and admission policies by name. Each leftover is named with why it counts.
/// The run's own Lease is the one object of ours that stays: it is given back when the run ends.
/// </summary>
public static class MeshAudit
{
    private const string ReleaseAnnotation = "meta.helm.sh/release-name";

    public static async Task<IReadOnlyList<string>> FindAsync(Cluster cluster, AuditScope scope)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(scope);
        var found = new List<string>();
        foreach (var resource in await cluster.ListableResourcesAsync())
        {
            // Events tell of our objects but are not ours; they age out by themselves.
            if (resource.Kind == "Event")
            {
                continue;
            }

            foreach (var obj in await cluster.ListAsync(resource.ApiVersion, resource.Kind, metadataOnly: true))
            {
                if (Why(obj, resource, scope) is { } why)
                {
                    found.Add($"{Objects.Describe(obj)} ({why})");
                }
            }
        }

        return found;
    }

    /// <summary>Why an object counts as ours or Istio's; null when it does not.</summary>
    public static string? Why(JsonObject obj, ApiResource resource, AuditScope scope)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(scope);
        var metadata = obj["metadata"] as JsonObject ?? [];
        var name = (string?)metadata["name"] ?? string.Empty;
        var ns = (string?)metadata["namespace"];
        var labels = metadata["labels"] as JsonObject ?? [];
        var annotations = metadata["annotations"] as JsonObject ?? [];
        if (resource.Kind == "Lease" && ns == RunLease.Namespace && name == RunLease.Name)
        {
            return null;
        }

        if (resource.Kind == "CustomResourceDefinition" && scope.CrdsKept && MeshLayout.IsIstioCrd(obj))
        {
            return null;
        }

        if (resource.Kind == "Namespace" && scope.Namespaces.Contains(name))
        {
            return "a namespace the pipeline created";
        }

        if (MeshLayout.IsPartOfIstio(obj))
        {
            return $"label {MeshLayout.PartOfIstio}";
        }

        foreach (var label in (string[])["istio.io/rev", "istio.io/tag"])
        {
            if (labels[label] is { } value)
            {
                return $"label {label}={(string?)value}";
            }
        }

        if ((metadata["managedFields"] as JsonArray ?? []).Any(entry => (string?)entry?["manager"] == Cluster.FieldManager))
        {
            return $"field manager {Cluster.FieldManager}";
        }

        if ((string?)annotations[ReleaseAnnotation] is { } release && scope.IsOurRelease(release))
        {
            return $"an object of the helm release {(string?)annotations["meta.helm.sh/release-namespace"]}/{release}";
        }

        if (resource.Kind is "Secret" or "ConfigMap" && (string?)labels["owner"] == "helm" && (string?)labels["name"] is { } recorded && scope.IsOurRelease(recorded))
        {
            return $"helm's record of the release {recorded}";
        }

        if (resource.Kind == "ConfigMap" && name == MeshLayout.CaRootCertConfigMap)
        {
            return "istiod's root certificate";
        }

        return MeshLayout.AdmissionKinds.Contains(resource.Kind) && MeshLayout.IsIstioAdmissionName(name) ? "Istio's webhook or admission policy, by name" : null;
    }
}
