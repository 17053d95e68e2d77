using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Annotations;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>kubectl for tasks: <c>context.KubectlApply(settings)</c>.</summary>
[CakeAliasCategory("Kubectl")]
public static class KubectlAliases
{
    [CakeMethodAlias]
    public static ToolOutput KubectlApply(this ICakeContext context, KubectlApplySettings settings) =>
        Runner(context).Apply(settings);

    /// <summary>One object (with <paramref name="name"/>) or a List of them, as JSON.</summary>
    [CakeMethodAlias]
    public static JsonNode? KubectlGet(this ICakeContext context, string resource, string? name = null, KubectlGetSettings? settings = null) =>
        Runner(context).Get(resource, name, settings ?? new KubectlGetSettings());

    /// <summary>The names (<c>kind/name</c>) of the objects that exist, without their contents.</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<string> KubectlNames(this ICakeContext context, string resource, string? name = null, KubectlGetSettings? settings = null) =>
        Runner(context).Names(resource, name, settings ?? new KubectlGetSettings());

    /// <summary>The body of a GET on an API path, e.g. a Service's proxy.</summary>
    [CakeMethodAlias]
    public static string KubectlGetRaw(this ICakeContext context, string path, KubectlSettings? settings = null) =>
        Runner(context).GetRaw(path, settings ?? new KubectlSettings());

    [CakeMethodAlias]
    public static string KubectlLogs(this ICakeContext context, string resource, KubectlLogsSettings? settings = null) =>
        Runner(context).Logs(resource, settings ?? new KubectlLogsSettings());

    [CakeMethodAlias]
    public static void KubectlWait(this ICakeContext context, string resource, KubectlWaitSettings settings) =>
        Runner(context).Wait(resource, settings);

    [CakeMethodAlias]
    public static void KubectlRolloutStatus(this ICakeContext context, string resource, KubectlRolloutStatusSettings? settings = null) =>
        Runner(context).RolloutStatus(resource, settings ?? new KubectlRolloutStatusSettings());

    [CakeMethodAlias]
    public static void KubectlDelete(this ICakeContext context, string resource, IEnumerable<string> names, KubectlDeleteSettings? settings = null) =>
        Runner(context).Delete(resource, names, settings ?? new KubectlDeleteSettings());

    /// <summary>Deletes what the settings' <c>-f</c> files describe.</summary>
    [CakeMethodAlias]
    public static void KubectlDelete(this ICakeContext context, KubectlDeleteSettings settings) =>
        Runner(context).Delete(null, [], settings);

    [CakeMethodAlias]
    public static KubectlVersionInfo KubectlVersion(this ICakeContext context, KubectlVersionSettings? settings = null) =>
        Runner(context).Version(settings ?? new KubectlVersionSettings());

    [CakeMethodAlias]
    public static string KubectlCurrentContext(this ICakeContext context, KubectlSettings? settings = null) =>
        Runner(context).CurrentContext(settings ?? new KubectlSettings());

    private static KubectlRunner Runner(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KubectlRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }
}
