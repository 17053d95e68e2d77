using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>
/// kubectl's settings. The pipeline reaches the cluster through KubernetesClient, so kubectl is only asked
/// its version; it takes no cluster flags.
/// </summary>
public class KubectlSettings : ToolSettings
{
}

/// <summary><c>kubectl version -o json</c>.</summary>
public sealed class KubectlVersionSettings : KubectlSettings
{
    /// <summary><c>--client</c>: do not ask the cluster.</summary>
    public bool ClientOnly { get; set; }
}
