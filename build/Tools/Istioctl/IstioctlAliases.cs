using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Mesh.Build.Tools.Istioctl;

/// <summary>
/// istioctl for tasks. It is optional: ask <see cref="IstioctlIsAvailable"/> first and, when it is not,
/// log <see cref="IstioctlMissing"/> and skip the step.
/// </summary>
[CakeAliasCategory("Istioctl")]
public static class IstioctlAliases
{
    /// <summary>How to get istioctl; it is not in any package registry.</summary>
    public const string InstallHint =
        "istioctl ships in Istio's release tarballs (github.com/istio/istio/releases) or via "
        + "`curl -L https://istio.io/downloadIstio | sh -`; put it on PATH or in tools/bin";

    /// <summary>True when istioctl resolves from tools/bin or PATH.</summary>
    [CakeMethodAlias]
    public static bool IstioctlIsAvailable(this ICakeContext context) => IstioctlPath(context) is not null;

    /// <summary>Where istioctl resolves, or null when it is not installed.</summary>
    [CakeMethodAlias]
    public static FilePath? IstioctlPath(this ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Tools.Resolve(["istioctl", "istioctl.exe"]);
    }

    /// <summary>The one line to log when skipping <paramref name="step"/> for want of istioctl.</summary>
    public static string IstioctlMissing(string step) => $"istioctl not found, skipping {step}. {InstallHint}.";

    [CakeMethodAlias]
    public static string IstioctlKubeInject(this ICakeContext context, FilePath file, IstioctlKubeInjectSettings? settings = null) =>
        Runner(context).KubeInject(file, settings ?? new IstioctlKubeInjectSettings());

    private static IstioctlRunner Runner(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new IstioctlRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }
}
