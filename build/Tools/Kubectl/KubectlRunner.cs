using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>
/// Turns kubectl settings into kubectl command lines:
/// <c>kubectl &lt;command&gt; &lt;arguments&gt; &lt;global flags&gt; &lt;command flags&gt;</c>.
/// </summary>
public sealed class KubectlRunner : CliTool<KubectlSettings>
{
    public KubectlRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <summary>Applies the files; returns kubectl's report (<c>configmap/x serverside-applied</c>, ...).</summary>
    public ToolOutput Apply(KubectlApplySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Files.Count == 0)
        {
            throw new ArgumentException("kubectl apply needs at least one file (-f).", nameof(settings));
        }

        var args = Command("apply");
        AppendGlobalFlags(args, settings);
        AppendFiles(args, settings.Files);
        AppendIf(args, settings.Recursive, "--recursive");
        AppendIf(args, settings.ServerSide, "--server-side");
        if (settings.FieldManager is not null)
        {
            args.AppendSwitch("--field-manager", "=", settings.FieldManager);
        }

        AppendIf(args, settings.ForceConflicts, "--force-conflicts");
        if (settings.DryRun != KubectlDryRun.None)
        {
            args.Append(settings.DryRun == KubectlDryRun.Server ? "--dry-run=server" : "--dry-run=client");
        }

        if (settings.Output is not null)
        {
            args.AppendSwitch("-o", settings.Output);
        }

        return Execute(settings, args, captureOutput: true);
    }

    /// <summary>
    /// <c>kubectl get &lt;resource&gt; [name] -o json</c>: one object, or a <c>List</c> with <c>items</c> when no name
    /// is given. Null when <see cref="KubectlGetSettings.IgnoreNotFound"/> is set and the object is missing.
    /// </summary>
    public JsonNode? Get(string resource, string? name, KubectlGetSettings settings)
    {
        var text = Execute(settings, GetArguments(resource, name, settings, "json"), captureOutput: true).Text;
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    /// <summary>
    /// <c>kubectl get &lt;resource&gt; [name] -o name</c>: which objects exist (<c>secret/x</c>), without reading
    /// their contents, so a Secret's data never passes through our process.
    /// </summary>
    public IReadOnlyList<string> Names(string resource, string? name, KubectlGetSettings settings) =>
        Execute(settings, GetArguments(resource, name, settings, "name"), captureOutput: true).StandardOutput
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Trim())
            .ToList();

    private ProcessArgumentBuilder GetArguments(string resource, string? name, KubectlGetSettings settings, string output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("get", resource);
        if (name is not null)
        {
            args.Append(name);
        }

        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.AllNamespaces, "--all-namespaces");
        if (settings.Selector is not null)
        {
            args.AppendSwitchQuoted("--selector", "=", settings.Selector);
        }

        AppendIf(args, settings.IgnoreNotFound, "--ignore-not-found");
        args.Append($"-o {output}");
        return args;
    }

    /// <summary>
    /// <c>kubectl get --raw PATH</c>: a GET on any API path, such as a Service's proxy
    /// (<c>/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH</c>); the body as text.
    /// </summary>
    public string GetRaw(string path, KubectlSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("get");
        args.AppendSwitchQuoted("--raw", path);
        AppendGlobalFlags(args, settings);
        return Execute(settings, args, captureOutput: true).Text;
    }

    /// <summary><c>kubectl logs &lt;resource&gt;</c>, e.g. <c>job/probe</c>: what the (first) pod's container printed.</summary>
    public string Logs(string resource, KubectlLogsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("logs", resource);
        AppendGlobalFlags(args, settings);
        if (settings.Container is not null)
        {
            args.AppendSwitch("--container", "=", settings.Container);
        }

        return Execute(settings, args, captureOutput: true).Text;
    }

    /// <summary><c>kubectl wait &lt;resource&gt; --for=...</c>; <paramref name="resource"/> is <c>crd</c>, <c>deployment/istiod</c>, ...</summary>
    public void Wait(string resource, KubectlWaitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("wait", resource);
        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.All, "--all");
        if (settings.Selector is not null)
        {
            args.AppendSwitchQuoted("--selector", "=", settings.Selector);
        }

        args.AppendSwitchQuoted("--for", "=", settings.For);
        AppendTimeout(args, settings.Timeout);
        Execute(settings, args, captureOutput: true);
    }

    /// <summary><c>kubectl rollout status &lt;resource&gt;</c>, e.g. <c>deployment/istiod</c>.</summary>
    public void RolloutStatus(string resource, KubectlRolloutStatusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("rollout", "status", resource);
        AppendGlobalFlags(args, settings);
        AppendTimeout(args, settings.Timeout);
        Execute(settings, args, captureOutput: true);
    }

    /// <summary><c>kubectl delete</c> of named objects (<c>resource</c> and names) or of what <c>-f</c> files describe.</summary>
    public void Delete(string? resource, IEnumerable<string> names, KubectlDeleteSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("delete");
        if (resource is not null)
        {
            args.Append(resource);
        }

        foreach (var name in names)
        {
            args.Append(name);
        }

        AppendGlobalFlags(args, settings);
        AppendFiles(args, settings.Files);
        AppendIf(args, settings.IgnoreNotFound, "--ignore-not-found");
        AppendIf(args, !settings.Wait, "--wait=false");
        AppendTimeout(args, settings.Timeout);
        Execute(settings, args, captureOutput: true);
    }

    public KubectlVersionInfo Version(KubectlVersionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("version");
        AppendGlobalFlags(args, settings);
        AppendIf(args, settings.ClientOnly, "--client");
        args.Append("-o json");
        return KubectlVersionInfo.Parse(Execute(settings, args, captureOutput: true).Text);
    }

    /// <summary>The kubeconfig's current context; kubectl fails when none is set.</summary>
    public string CurrentContext(KubectlSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var args = Command("config", "current-context");
        AppendGlobalFlags(args, settings);
        return Execute(settings, args, captureOutput: true).Text.Trim();
    }

    protected override string MissingToolHint => "Run the InstallTools target, or install kubectl 1.33 or later.";

    protected override string GetToolName() => "kubectl";

    protected override IEnumerable<string> GetToolExecutableNames() => ["kubectl", "kubectl.exe"];

    private void AppendGlobalFlags(ProcessArgumentBuilder args, KubectlSettings settings) =>
        AppendClusterFlags(args, settings.KubeConfig, "--context", settings.Context, settings.Namespace, separator: "=");

    private void AppendFiles(ProcessArgumentBuilder args, IEnumerable<FilePath> files)
    {
        foreach (var file in files)
        {
            args.AppendSwitchQuoted("-f", Absolute(file));
        }
    }

    private static void AppendTimeout(ProcessArgumentBuilder args, TimeSpan? timeout)
    {
        if (timeout is { } value)
        {
            args.AppendSwitch("--timeout", "=", GoDuration.Format(value));
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
