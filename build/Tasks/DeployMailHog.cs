using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("DeployMailHog")]
[IsDependentOn(typeof(ConfigureGateway))]
[TaskDescription("Deploys MailHog into the mesh with a sidecar and routes its UI through the gateway")]
public sealed class DeployMailHog : AsyncFrostingTask<BuildContext>
{
    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("DeployMailHog", 7);
}
