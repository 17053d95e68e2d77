using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstioInit")]
[IsDependentOn(typeof(ConfigureExternalDns))]
[TaskDescription("Installs Istio's CRDs and cluster-wide resources (the base chart; istio-init in Istio 1.x)")]
public sealed class InstallIstioInit : AsyncFrostingTask<BuildContext>
{
    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("InstallIstioInit", 6);
}
