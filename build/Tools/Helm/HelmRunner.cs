using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Helm;

/// <summary>
/// Turns helm settings into helm command lines. Every command reads
/// <c>helm &lt;command&gt; &lt;arguments&gt; &lt;global flags&gt; &lt;command flags&gt;</c>; where Helm 3 and
/// Helm 4 differ, the flags follow the detected (or configured) major version.
/// </summary>
public sealed class HelmRunner : CliTool<HelmSettings>
{
    public HelmRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    public void RepoAdd(string name, string url, HelmRepoAddSettings settings)
    {
        var args = Command("repo", "add", name);
        args.AppendQuoted(url);
        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.ForceUpdate, "--force-update");
        if (settings.Username is not null)
        {
            args.AppendSwitchQuoted("--username", settings.Username);
        }

        // The password goes to helm's standard input, never onto a command line (where `ps` would show it).
        if (settings.Password is not null)
        {
            args.Append("--password-stdin");
        }

        Execute(settings, args, standardInput: settings.Password);
    }

    public void RepoUpdate(HelmRepoUpdateSettings settings)
    {
        var args = Command("repo", "update");
        foreach (var repository in settings.Repositories)
        {
            args.Append(repository);
        }

        AppendGlobalFlags(args, settings);
        Execute(settings, args);
    }

    public void Upgrade(string release, string chart, HelmUpgradeSettings settings)
    {
        var helm4 = IsHelm4(settings);
        var args = Command("upgrade", "--install", release);
        args.AppendQuoted(chart);
        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.CreateNamespace, "--create-namespace");
        AppendVersion(args, settings.Version);
        AppendValues(args, settings);
        if (settings.RollbackOnFailure)
        {
            args.Append(helm4 ? "--rollback-on-failure" : "--atomic");
        }

        AppendWait(args, settings, settings.Wait);

        AppendTimeout(args, settings.Timeout);
        if (helm4 && settings.ServerSide is { } serverSide)
        {
            args.Append(serverSide ? "--server-side=true" : "--server-side=false");
        }

        AppendIf(args, helm4 && settings.ForceConflicts, "--force-conflicts");

        // helm's release summary is noise in a pipeline's log; what changed is logged by the caller.
        Execute(settings, args, captureOutput: true);
    }

    /// <summary><c>helm rollback RELEASE [REVISION]</c>.</summary>
    public void Rollback(string release, HelmRollbackSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("rollback", release);
        if (settings.Revision is { } revision)
        {
            args.Append(revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AppendGlobalFlags(args, settings);
        AppendWait(args, settings, settings.Wait);
        AppendTimeout(args, settings.Timeout);
        Execute(settings, args, captureOutput: true);
    }

    /// <summary><c>helm uninstall RELEASE</c>.</summary>
    public void Uninstall(string release, HelmUninstallSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("uninstall", release);
        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.IgnoreNotFound, "--ignore-not-found");
        AppendWait(args, settings, settings.Wait);
        AppendTimeout(args, settings.Timeout);
        Execute(settings, args, captureOutput: true);
    }

    /// <summary>The rendered manifests.</summary>
    public string Template(string release, string chart, HelmTemplateSettings settings)
    {
        var args = Command("template", release);
        args.AppendQuoted(chart);
        AppendGlobalFlags(args, settings);
        AppendVersion(args, settings.Version);
        AppendValues(args, settings);
        AppendIf(args, settings.IncludeCrds, "--include-crds");
        if (settings.KubeVersion is not null)
        {
            args.AppendSwitch("--kube-version", settings.KubeVersion);
        }

        return Execute(settings, args, captureOutput: true).Text;
    }

    /// <summary><c>helm show chart</c>: the chart's Chart.yaml, which proves the chart and version can be fetched.</summary>
    public string ShowChart(string chart, HelmShowChartSettings settings)
    {
        var args = Command("show", "chart");
        args.AppendQuoted(chart);
        AppendGlobalFlags(args, settings);
        AppendVersion(args, settings.Version);
        return Execute(settings, args, captureOutput: true).Text;
    }

    /// <summary>Runs <c>helm version --template {{.Version}}</c>, which both Helm 3 and Helm 4 answer with <c>vX.Y.Z</c>.</summary>
    public ToolVersion Version(HelmSettings settings) =>
        HelmVersionDetector.Parse(Execute(settings, VersionArguments(), captureOutput: true).Text);

    /// <summary>The major version flags are written for: the configured one, or the binary's, detected once.</summary>
    public int MajorVersion(HelmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MajorVersion is { } configured)
        {
            return configured;
        }

        var path = GetToolPath(settings)
            ?? throw new CakeException($"helm was not found in tools/bin or on PATH. {MissingToolHint}");
        return HelmVersionDetector.Detect(path.FullPath, () => Execute(settings, VersionArguments(), captureOutput: true).Text).Major;
    }

    protected override string MissingToolHint => "Run the InstallTools target, or install helm 3.14 or later.";

    protected override string GetToolName() => "helm";

    protected override IEnumerable<string> GetToolExecutableNames() => ["helm", "helm.exe"];

    private bool IsHelm4(HelmSettings settings) => MajorVersion(settings) >= 4;

    private static ProcessArgumentBuilder VersionArguments()
    {
        var args = new ProcessArgumentBuilder();
        args.Append("version");
        args.AppendSwitch("--template", HelmVersionDetector.VersionTemplate);
        return args;
    }

    private void AppendGlobalFlags(ProcessArgumentBuilder args, HelmSettings settings) =>
        AppendClusterFlags(args, settings.KubeConfig, "--kube-context", settings.KubeContext, settings.Namespace);

    private void AppendValues(ProcessArgumentBuilder args, HelmValuesSettings settings)
    {
        foreach (var file in settings.ValuesFiles)
        {
            args.AppendSwitchQuoted("-f", Absolute(file));
        }

        foreach (var (key, value) in settings.Values)
        {
            args.AppendSwitchQuoted("--set", $"{key}={value}");
        }

        foreach (var (key, value) in settings.SecretValues)
        {
            args.AppendSwitchQuotedSecret("--set", $"{key}={value}");
        }
    }

    private void AppendWait(ProcessArgumentBuilder args, HelmSettings settings, bool wait)
    {
        if (wait)
        {
            args.Append(IsHelm4(settings) ? "--wait=watcher" : "--wait");
        }
    }

    private static void AppendVersion(ProcessArgumentBuilder args, string? version)
    {
        if (version is not null)
        {
            args.AppendSwitchQuoted("--version", version);
        }
    }

    private static void AppendTimeout(ProcessArgumentBuilder args, TimeSpan? timeout)
    {
        if (timeout is { } value)
        {
            args.AppendSwitch("--timeout", GoDuration.Format(value));
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
