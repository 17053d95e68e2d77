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
}
