using Cake.Core.Diagnostics;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Manifests;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstioInit")]
[IsDependentOn(typeof(ConfigureExternalDns))]
[TaskDescription("Installs Istio's CRDs and cluster-wide resources with the base chart (what istio-init did in Istio 1.x) and waits until every Istio CRD is Established")]
[InstallsCharts("base")]
public sealed class InstallIstioInit : FrostingTask<BuildContext>
{
    private const string IstioCrds = "app.kubernetes.io/part-of=istio";

    public override void Run(BuildContext context)
    {
        context.RequireTools();
        var values = ManifestTemplate.RenderOne(context.Manifest("values/base.yaml"), new Dictionary<string, object?>
        {
            ["default-revision"] = context.Settings.IstioRevision ?? "default",
            ["istio-namespace"] = MeshLayout.IstioNamespace,
        });
        Releases.Converge(context, new ReleaseSpec("istio-base", MeshLayout.IstioNamespace, "base", values, ForceConflicts: true));

        var crds = context.KubectlNames("crd", null, context.Kubectl(new KubectlGetSettings { Selector = IstioCrds }));
        if (crds.Count == 0)
        {
            throw new InvalidOperationException(
                $"InstallIstioInit: the base chart installed no CRD labelled {IstioCrds}; Istio's CRDs carry that label since 1.24. Check the chart ({context.Charts.Resolve("base").Origin}).");
        }

        context.KubectlWait("crd", context.Kubectl(new KubectlWaitSettings { For = "condition=Established", Selector = IstioCrds, Timeout = context.Settings.WaitTimeout }));
        context.Log.Information("{0} Istio CRDs are Established", crds.Count);
    }
}
