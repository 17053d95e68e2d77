using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("EnforceMtls")]
[IsDependentOn(typeof(DeployMailHog))]
[TaskDescription("Enforces mutual TLS with a PeerAuthentication and proves plaintext calls fail")]
public sealed class EnforceMtls : AsyncFrostingTask<BuildContext>
{
    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("EnforceMtls", 7);
}
