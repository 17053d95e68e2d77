using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>
/// Turns kubectl settings into kubectl command lines. The cluster is reached through KubernetesClient
/// (<c>build/Kubernetes</c>); kubectl is only asked its version, when tools are chosen or provisioned.
/// </summary>
public sealed class KubectlRunner : CliTool<KubectlSettings>
{
    public KubectlRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    public KubectlVersionInfo Version(KubectlVersionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("version");
        if (settings.ClientOnly)
        {
            args.Append("--client");
        }

        args.Append("-o json");
        return KubectlVersionInfo.Parse(Execute(settings, args, captureOutput: true).Text);
    }

    protected override string MissingToolHint => "Run the InstallTools target, or install kubectl 1.33 or later.";

    protected override string GetToolName() => "kubectl";

    protected override IEnumerable<string> GetToolExecutableNames() => ["kubectl", "kubectl.exe"];
}
