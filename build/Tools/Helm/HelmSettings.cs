using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Helm;

/// <summary>Helm's global flags, shared by every helm command.</summary>
public class HelmSettings : ToolSettings
{
    /// <summary><c>--kubeconfig</c>.</summary>
    public FilePath? KubeConfig { get; set; }

    /// <summary><c>--kube-context</c>.</summary>
    public string? KubeContext { get; set; }

    /// <summary><c>--namespace</c>: the release namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>
    /// The helm major version to write flags for. Left empty, it is detected once per helm binary by
    /// running <c>helm version</c> (see <see cref="HelmVersionDetector"/>).
    /// </summary>
    public int? MajorVersion { get; set; }
}
