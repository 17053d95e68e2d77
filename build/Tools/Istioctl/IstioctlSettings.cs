using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Istioctl;

/// <summary>istioctl's global flags.</summary>
public class IstioctlSettings : ToolSettings
{
    /// <summary><c>--kubeconfig</c>.</summary>
    public FilePath? KubeConfig { get; set; }

    /// <summary><c>--context</c>.</summary>
    public string? Context { get; set; }

    /// <summary><c>--namespace</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary><c>--istioNamespace</c>: where istiod runs, when not <c>istio-system</c>.</summary>
    public string? IstioNamespace { get; set; }
}

/// <summary><c>istioctl kube-inject</c>.</summary>
public sealed class IstioctlKubeInjectSettings : IstioctlSettings
{
    /// <summary><c>--revision</c> of the control plane whose injection template to use.</summary>
    public string? Revision { get; set; }
}
