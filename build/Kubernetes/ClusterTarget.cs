namespace Mesh.Build.Kubernetes;

/// <summary>Which cluster a run talks to, as a person would look it up: the kubeconfig file, the context in it, the server.</summary>
public sealed record ClusterTarget(string Kubeconfig, string Context, string Server)
{
    public override string ToString() => $"context '{Context}' of {Kubeconfig} (server {Server})";
}

/// <summary>The cluster cannot be used at all: no kubeconfig, an unknown context, no answer, a rejected certificate or credentials.</summary>
public sealed class ClusterUnreachableException(string message) : Exception(message);
