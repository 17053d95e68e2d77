using Cake.Core;
using Cake.Core.Annotations;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>kubectl for tasks: <c>context.KubectlVersion(settings)</c>.</summary>
[CakeAliasCategory("Kubectl")]
public static class KubectlAliases
{
    [CakeMethodAlias]
    public static KubectlVersionInfo KubectlVersion(this ICakeContext context, KubectlVersionSettings? settings = null) =>
        Runner(context).Version(settings ?? new KubectlVersionSettings());

    private static KubectlRunner Runner(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KubectlRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }
}
