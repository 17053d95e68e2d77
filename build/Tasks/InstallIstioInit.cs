using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstioInit")]
[IsDependentOn(typeof(ConfigureExternalDns))]
[TaskDescription("Installs Istio's CRDs and cluster-wide resources with the base chart (what istio-init did in Istio 1.x) and waits until every Istio CRD is Established")]
[InstallsCharts("base")]
public sealed class InstallIstioInit : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        // Base goes first in a canary too (the new CRDs serve both revisions); its default validator stays with the
        // revision the tag points at until the promotion (at the end of VerifyDashboards) moves it.
        var defaultRevision = context.Settings.UpgradeStrategy == UpgradeStrategy.Canary
            ? (await context.Canary.ReadAsync()).Tagged ?? context.Settings.IstioRevision
            : context.Settings.IstioRevision;
        await context.Releases.ConvergeAsync(Release(context, defaultRevision));

        await context.Proofs.RunAsync("every Istio CRD is Established", ProofCost.ReadOnly, async () =>
        {
            var crds = await context.Cluster.ListAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", labelSelector: MeshLayout.PartOfIstio);
            if (crds.Count == 0)
            {
                throw new InvalidOperationException(
                    $"InstallIstioInit: the base chart installed no CRD labelled {MeshLayout.PartOfIstio}; Istio's CRDs carry that label since 1.24. Check the chart ({context.Charts.Resolve("base").Origin}).");
            }

            // Listed once; only a CRD not yet Established is waited on.
            foreach (var crd in crds.Where(crd => !Workloads.CrdEstablished(crd).Done))
            {
                await context.Cluster.WaitAsync(
                    "apiextensions.k8s.io/v1", "CustomResourceDefinition", (string)crd["metadata"]!["name"]!, null, "Established", Workloads.CrdEstablished, context.Settings.WaitTimeout);
            }

            return $"{crds.Count} Istio CRDs are Established";
        });
    }

    /// <summary>The base chart's release, its default validator sending to <paramref name="defaultRevision"/>'s istiod (null: the revision-less one).</summary>
    public static ReleaseSpec Release(BuildContext context, string? defaultRevision)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = ManifestTemplate.RenderOne(context.Manifest(Components.Base.ValuesFile), new Dictionary<string, object?>
        {
            ["default-revision"] = defaultRevision ?? "default",
            ["istio-namespace"] = MeshLayout.IstioNamespace,
        });
        return new ReleaseSpec(Components.Base, Components.Base.Release, values);
    }
}
