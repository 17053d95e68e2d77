using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>kubectl's global flags, shared by every kubectl command.</summary>
public class KubectlSettings : ToolSettings
{
    /// <summary><c>--kubeconfig</c>.</summary>
    public FilePath? KubeConfig { get; set; }

    /// <summary><c>--context</c>.</summary>
    public string? Context { get; set; }

    /// <summary><c>--namespace</c>.</summary>
    public string? Namespace { get; set; }
}

/// <summary>What <c>--dry-run</c> asks for.</summary>
public enum KubectlDryRun
{
    None,
    Client,
    Server,
}

/// <summary><c>kubectl apply</c>.</summary>
public sealed class KubectlApplySettings : KubectlSettings
{
    /// <summary><c>-f</c>: files, directories or URLs.</summary>
    public IList<FilePath> Files { get; } = [];

    /// <summary><c>--server-side</c>.</summary>
    public bool ServerSide { get; set; } = true;

    /// <summary><c>--field-manager</c>: who owns the applied fields (server-side apply).</summary>
    public string? FieldManager { get; set; } = "mesh-build";

    /// <summary><c>--force-conflicts</c>: take fields other managers own.</summary>
    public bool ForceConflicts { get; set; }

    /// <summary><c>--dry-run=client|server</c>.</summary>
    public KubectlDryRun DryRun { get; set; }

    /// <summary><c>--recursive</c>, for directories.</summary>
    public bool Recursive { get; set; }

    /// <summary><c>-o</c>: <c>json</c> prints the objects as the server returned them (with a dry run: as admission left them).</summary>
    public string? Output { get; set; }
}

/// <summary><c>kubectl get -o json</c>.</summary>
public sealed class KubectlGetSettings : KubectlSettings
{
    /// <summary><c>--all-namespaces</c>.</summary>
    public bool AllNamespaces { get; set; }

    /// <summary><c>--selector</c>: a label selector.</summary>
    public string? Selector { get; set; }

    /// <summary><c>--ignore-not-found</c>: a missing object prints nothing instead of failing (the result is null).</summary>
    public bool IgnoreNotFound { get; set; }
}

/// <summary><c>kubectl wait</c>.</summary>
public sealed class KubectlWaitSettings : KubectlSettings
{
    /// <summary><c>--for</c>, e.g. <c>condition=Available</c>, <c>condition=Established</c>, <c>delete</c>.</summary>
    public string For { get; set; } = "condition=Ready";

    /// <summary><c>--timeout</c>; kubectl's default is 30 seconds.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary><c>--all</c> objects of the type.</summary>
    public bool All { get; set; }

    /// <summary><c>--selector</c>.</summary>
    public string? Selector { get; set; }
}

/// <summary><c>kubectl rollout status</c>.</summary>
public sealed class KubectlRolloutStatusSettings : KubectlSettings
{
    /// <summary><c>--timeout</c>; empty waits as long as kubectl does (forever).</summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary><c>kubectl delete</c>.</summary>
public sealed class KubectlDeleteSettings : KubectlSettings
{
    /// <summary><c>-f</c>: delete what these files describe, instead of named objects.</summary>
    public IList<FilePath> Files { get; } = [];

    /// <summary><c>--ignore-not-found</c>.</summary>
    public bool IgnoreNotFound { get; set; } = true;

    /// <summary><c>--wait=false</c> when false: return without waiting for finalizers.</summary>
    public bool Wait { get; set; } = true;

    /// <summary><c>--timeout</c>.</summary>
    public TimeSpan? Timeout { get; set; }
}

/// <summary><c>kubectl version -o json</c>.</summary>
public sealed class KubectlVersionSettings : KubectlSettings
{
    /// <summary><c>--client</c>: do not ask the cluster.</summary>
    public bool ClientOnly { get; set; }
}

/// <summary><c>kubectl logs</c>.</summary>
public sealed class KubectlLogsSettings : KubectlSettings
{
    /// <summary><c>--container</c>: which container of the pod; needed when it has several (a sidecar, say).</summary>
    public string? Container { get; set; }
}
