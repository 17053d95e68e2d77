namespace Mesh.Build.Kubernetes;

/// <summary>What converging one thing did.</summary>
public enum Change
{
    Unchanged,
    Created,
    Changed,
}
