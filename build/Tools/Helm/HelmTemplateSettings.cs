namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm template</c>: renders a chart locally.</summary>
public sealed class HelmTemplateSettings : HelmValuesSettings
{
    /// <summary><c>--version</c> of the chart.</summary>
    public string? Version { get; set; }

    /// <summary><c>--include-crds</c>.</summary>
    public bool IncludeCrds { get; set; }

    /// <summary><c>--kube-version</c>: the Kubernetes version capabilities are rendered for.</summary>
    public string? KubeVersion { get; set; }
}

/// <summary><c>helm show chart</c>.</summary>
public sealed class HelmShowChartSettings : HelmSettings
{
    /// <summary><c>--version</c> of the chart; empty means the latest.</summary>
    public string? Version { get; set; }
}
