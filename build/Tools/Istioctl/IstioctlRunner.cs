using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Istioctl;

/// <summary>Turns istioctl settings into istioctl command lines. istioctl is optional: see <see cref="IstioctlAliases.IstioctlIsAvailable"/>.</summary>
public sealed class IstioctlRunner : CliTool<IstioctlSettings>
{
    public IstioctlRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <summary>The client's version (<c>istioctl version --remote=false</c>), or with <c>Remote</c> the full report.</summary>
    public ToolOutput Version(IstioctlVersionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("version");
        AppendGlobalFlags(args, settings);
        args.Append(settings.Remote ? "--remote=true" : "--remote=false");
        return Execute(settings, args, captureOutput: true);
    }

    /// <summary><c>istioctl analyze</c>; throws when it finds issues at or above the failure threshold.</summary>
    public ToolOutput Analyze(IstioctlAnalyzeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("analyze");
        foreach (var file in settings.Files)
        {
            args.AppendQuoted(Absolute(file));
        }

        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.AllNamespaces, "--all-namespaces");
        AppendIf(args, !settings.UseKube, "--use-kube=false");
        if (settings.FailureThreshold is not null)
        {
            args.AppendSwitch("--failure-threshold", settings.FailureThreshold);
        }

        return Execute(settings, args, captureOutput: true);
    }

    /// <summary>The manifest in <paramref name="file"/> with the sidecar injected.</summary>
    public string KubeInject(FilePath file, IstioctlKubeInjectSettings settings)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("kube-inject");
        AppendGlobalFlags(args, settings);
        args.AppendSwitchQuoted("-f", Absolute(file));
        if (settings.Revision is not null)
        {
            args.AppendSwitch("--revision", settings.Revision);
        }

        return Execute(settings, args, captureOutput: true).Text;
    }

    /// <summary><c>istioctl x describe pod</c>: how the mesh sees the pod (policies, mTLS, routes).</summary>
    public string DescribePod(string pod, IstioctlSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("x", "describe", "pod", pod);
        AppendGlobalFlags(args, settings);
        return Execute(settings, args, captureOutput: true).Text;
    }

    protected override string MissingToolHint => IstioctlAliases.InstallHint + ".";

    protected override string GetToolName() => "istioctl";

    protected override IEnumerable<string> GetToolExecutableNames() => ["istioctl", "istioctl.exe"];

    private void AppendGlobalFlags(ProcessArgumentBuilder args, IstioctlSettings settings)
    {
        AppendClusterFlags(args, settings.KubeConfig, "--context", settings.Context, settings.Namespace);
        if (settings.IstioNamespace is not null)
        {
            args.AppendSwitch("--istioNamespace", settings.IstioNamespace);
        }
    }

    private static void AppendIf(ProcessArgumentBuilder args, bool condition, string flag)
    {
        if (condition)
        {
            args.Append(flag);
        }
    }
}
