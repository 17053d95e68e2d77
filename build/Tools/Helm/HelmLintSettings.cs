namespace Mesh.Build.Tools.Helm;

/// <summary><c>helm lint</c>.</summary>
public sealed class HelmLintSettings : HelmValuesSettings
{
    /// <summary><c>--strict</c>: warnings fail the lint.</summary>
    public bool Strict { get; set; }
}
