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

/// <summary><c>istioctl version</c>.</summary>
public sealed class IstioctlVersionSettings : IstioctlSettings
{
    /// <summary>Also ask the control plane (<c>--remote</c>); off by default so no cluster is needed.</summary>
    public bool Remote { get; set; }
}

/// <summary><c>istioctl analyze</c>.</summary>
public sealed class IstioctlAnalyzeSettings : IstioctlSettings
{
    /// <summary>Files to analyze alongside (or, without <see cref="UseKube"/>, instead of) the cluster.</summary>
    public IList<FilePath> Files { get; } = [];

    /// <summary><c>--all-namespaces</c>.</summary>
    public bool AllNamespaces { get; set; }

    /// <summary><c>--use-kube=false</c> when false: analyze the files only.</summary>
    public bool UseKube { get; set; } = true;

    /// <summary><c>--failure-threshold</c>: <c>Info</c>, <c>Warning</c> or <c>Error</c> (istioctl's default).</summary>
    public string? FailureThreshold { get; set; }
}

/// <summary><c>istioctl kube-inject</c>.</summary>
public sealed class IstioctlKubeInjectSettings : IstioctlSettings
{
    /// <summary><c>--revision</c> of the control plane whose injection template to use.</summary>
    public string? Revision { get; set; }
}
