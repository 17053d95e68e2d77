using Cake.Core;
using Cake.Core.IO;

namespace Mesh.Build.Tools;

/// <summary>
/// Makes <c>tools/bin</c> under the repository root win over PATH for helm, kubectl and istioctl.
/// <para>
/// We register the files into <see cref="ICakeContext.Tools"/> rather than overriding
/// <c>GetAlternativeToolPaths</c>: Cake's tool locator looks at registered files before PATH, while
/// alternative paths are only tried after PATH came up empty, so they could not give tools/bin precedence.
/// Registration also covers every <c>Tool&lt;T&gt;</c> at once, and <c>ToolSettings.ToolPath</c> still
/// overrides it. The host calls <see cref="Register"/> once at startup; <c>ToolProvisioner</c> registers
/// again what it chose or provisioned.
/// </para>
/// </summary>
public static class RepositoryTools
{
    public static readonly IReadOnlyList<string> KnownTools = ["helm", "kubectl", "istioctl"];

    public static DirectoryPath BinDirectory(DirectoryPath repositoryRoot) => repositoryRoot.Combine("tools/bin");

    public static FilePath PathOf(DirectoryPath repositoryRoot, string tool) =>
        BinDirectory(repositoryRoot).CombineWithFilePath(OperatingSystem.IsWindows() ? tool + ".exe" : tool);

    /// <summary>Registers each of helm, kubectl and istioctl found in <c>tools/bin</c>; returns what it registered.</summary>
    public static IReadOnlyList<FilePath> Register(ICakeContext context, DirectoryPath repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = repositoryRoot.MakeAbsolute(context.Environment);
        var registered = new List<FilePath>();
        foreach (var tool in KnownTools)
        {
            var path = PathOf(root, tool);
            if (context.FileSystem.Exist(path))
            {
                context.Tools.RegisterFile(path);
                registered.Add(path);
            }
        }

        return registered;
    }
}
