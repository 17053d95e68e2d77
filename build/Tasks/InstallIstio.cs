using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstio")]
[IsDependentOn(typeof(InstallIstioInit))]
[TaskDescription("Installs istiod, the ingress gateway and the enabled dashboards")]
public sealed class InstallIstio : AsyncFrostingTask<BuildContext>
{
    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("InstallIstio", 6);
}
