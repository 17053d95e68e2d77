using Cake.Core.IO;

namespace Mesh.Build.Tools.Provisioning;

/// <summary>Where a tool the pipeline will use was found.</summary>
public enum ToolSource
{
    /// <summary><c>tools/bin</c> under the repository root.</summary>
    RepositoryTools,

    /// <summary>A directory on PATH.</summary>
    Path,
}

/// <summary>What the provisioner did.</summary>
public enum ProvisioningOutcome
{
    /// <summary>tools/bin already held the pinned versions; nothing was done.</summary>
    AlreadyProvisioned,

    /// <summary>The pinned helm and kubectl were installed into tools/bin.</summary>
    Provisioned,

    /// <summary>Usable binaries were found (tools/bin or PATH); nothing was installed.</summary>
    UsedExisting,
}

/// <summary>A helm or kubectl binary and the version it reported.</summary>
public sealed record ResolvedTool(string Name, FilePath Path, ToolVersion Version, ToolSource Source)
{
    public override string ToString() => $"{Name} {Version} ({Path.FullPath})";
}

/// <summary>The binaries the pipeline will use, and whether they had to be installed.</summary>
public sealed record ToolProvisioningResult(ProvisioningOutcome Outcome, ResolvedTool Helm, ResolvedTool Kubectl)
{
    /// <summary>One line for the log: "already provisioned: helm v4.1.4, kubectl v1.35.2", ...</summary>
    public string Summary => Outcome switch
    {
        ProvisioningOutcome.AlreadyProvisioned => $"already provisioned: helm {Helm.Version}, kubectl {Kubectl.Version}",
        ProvisioningOutcome.Provisioned => $"provisioned: helm {Helm.Version}, kubectl {Kubectl.Version} into {Helm.Path.GetDirectory().FullPath}",
        _ => $"using {Helm}, {Kubectl}",
    };
}

/// <summary>helm and kubectl could not be made available; the message says what to do instead.</summary>
public sealed class ToolProvisioningException : Exception
{
    public ToolProvisioningException(string message)
        : base(message)
    {
    }

    public ToolProvisioningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
