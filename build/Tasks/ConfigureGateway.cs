using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("ConfigureGateway")]
[IsDependentOn(typeof(InstallIstio))]
[TaskDescription("Serves the gateway's certificate through SDS and configures HTTPS with an HTTP redirect")]
public sealed class ConfigureGateway : AsyncFrostingTask<BuildContext>
{
    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("ConfigureGateway", 7);
}
