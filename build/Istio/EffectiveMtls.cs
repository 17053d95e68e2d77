using System.Text.Json.Nodes;

namespace Mesh.Build.Istio;

/// <summary>
/// Resolves the PeerAuthentication mode a workload and each of its ports accept, following istiod
/// (<c>pilot/pkg/security/authn</c> <c>ComposePeerAuthentication</c>, <c>pilot/pkg/model/authentication.go</c>):
/// <list type="bullet">
/// <item>levels: mesh-wide (root namespace, no selector), namespace-wide (workload's namespace, no selector),
/// workload (workload's namespace, <c>matchLabels</c> all present on the workload); the narrowest level that sets
/// a mode wins, UNSET inherits, and with no mode anywhere the workload is PERMISSIVE;</item>
/// <item>several policies at one level: the oldest (creationTimestamp, then name) is used, the others ignored;</item>
/// <item>a selector policy in the root namespace applies to no workload at all (istio/api#3604 documents it);</item>
/// <item><c>portLevelMtls</c> counts only in the chosen workload policy; a port-level UNSET takes the workload's mode.</item>
/// </list>
/// </summary>
public static class EffectiveMtls
{
    private const string DefaultMode = "PERMISSIVE";

    /// <param name="policies">The <c>items</c> of <c>kubectl get peerauthentications.security.istio.io -A -o json</c>.</param>
    /// <param name="rootNamespace">Istio's root namespace (meshConfig.rootNamespace, <c>istio-system</c> by default).</param>
    /// <param name="workloadNamespace">The workload's namespace.</param>
    /// <param name="workloadLabels">The workload's pod labels, which selectors are matched against.</param>
    /// <param name="ports">The workload's container (target) ports; duplicates are reported once.</param>
    public static MtlsResolution Resolve(
        IEnumerable<JsonNode?> policies,
        string rootNamespace,
        string workloadNamespace,
        IReadOnlyDictionary<string, string> workloadLabels,
        IEnumerable<int> ports)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootNamespace);
        ArgumentException.ThrowIfNullOrEmpty(workloadNamespace);
        var warnings = new List<string>();
        var applicable = ReadApplicable(policies, rootNamespace, workloadNamespace, warnings);
        var inWorkloadNamespace = workloadNamespace == rootNamespace
            ? []
            : applicable.Where(policy => policy.Namespace == workloadNamespace).ToList();

        foreach (var policy in applicable.Where(policy => !policy.HasSelector && policy.PortLevelModes.Count > 0))
        {
            warnings.Add($"{policy.Id} sets portLevelMtls without a selector; Istio ignores port-level settings outside a workload policy (and its validation rejects them).");
        }

        foreach (var policy in applicable.Where(policy => policy.Namespace == rootNamespace && policy.HasSelector))
        {
            warnings.Add($"{policy.Id} has a selector in the root namespace {rootNamespace}; Istio ignores selector policies there, so it applies to no workload.");
        }

        var mesh = Oldest("mesh-wide", rootNamespace, applicable.Where(policy => policy.Namespace == rootNamespace && !policy.HasSelector), warnings);
        var ns = Oldest("namespace-wide", workloadNamespace, inWorkloadNamespace.Where(policy => !policy.HasSelector), warnings);
        var workload = Oldest("workload", workloadNamespace, inWorkloadNamespace.Where(policy => policy.HasSelector && policy.Selects(workloadLabels)), warnings);

        var (mode, source) = Compose([("mesh-wide", mesh), ("namespace-wide", ns), ("workload", workload)]);
        var requested = ports.Distinct().ToList();
        if (workload is not null && requested.Count > 0)
        {
            foreach (var port in workload.PortLevelModes.Keys.Where(port => !requested.Contains(port)).Order())
            {
                warnings.Add($"{workload.Id} sets port-level mTLS for port {port}, which is not one of the workload's ports ({string.Join(", ", requested)}); portLevelMtls keys are container (target) ports, not Service ports.");
            }
        }

        return new MtlsResolution(mode, source, [.. requested.Select(port => ForPort(port, mode, workload))], warnings);
    }

    /// <summary>The policies in the two namespaces that can affect the workload; unreadable ones become warnings.</summary>
    private static List<PeerAuthenticationPolicy> ReadApplicable(
        IEnumerable<JsonNode?> items, string rootNamespace, string workloadNamespace, List<string> warnings)
    {
        var applicable = new List<PeerAuthenticationPolicy>();
        var unnamed = 0;
        foreach (var item in items)
        {
            if (PeerAuthenticationPolicy.ReadIdentity(item) is not (string ns, string name))
            {
                unnamed++;
                continue;
            }

            if (ns != rootNamespace && ns != workloadNamespace)
            {
                continue;
            }

            if (PeerAuthenticationPolicy.Read(item, ns, name, out var problem) is { } policy)
            {
                applicable.Add(policy);
            }
            else
            {
                warnings.Add(problem!);
            }
        }

        if (unnamed > 0)
        {
            warnings.Add($"skipped {unnamed} PeerAuthentication item(s) without metadata.namespace and metadata.name.");
        }

        return applicable;
    }

    /// <summary>Istio keeps one policy per level: the oldest, ties broken by name (its <c>sortConfigByCreationTime</c>).</summary>
    private static PeerAuthenticationPolicy? Oldest(
        string level, string ns, IEnumerable<PeerAuthenticationPolicy> candidates, List<string> warnings)
    {
        var ordered = candidates.OrderBy(policy => policy.Created).ThenBy(policy => policy.Name, StringComparer.Ordinal).ToList();
        if (ordered.Count > 1)
        {
            var others = string.Join(", ", ordered.Skip(1).Select(policy => policy.Id));
            warnings.Add($"{ordered.Count} {level} PeerAuthentications apply in {ns}; Istio uses the oldest, {ordered[0].Id}, and ignores {others}.");
        }

        return ordered.FirstOrDefault();
    }

    /// <summary>Broadest level first, so each narrower mode overrides and each UNSET keeps what came before.</summary>
    private static (string Mode, string Source) Compose(IEnumerable<(string Level, PeerAuthenticationPolicy? Policy)> levels)
    {
        var mode = DefaultMode;
        string? decidedBy = null;
        var unset = new List<string>();
        foreach (var (level, policy) in levels)
        {
            if (policy is null)
            {
                continue;
            }

            if (policy.Mode is null)
            {
                unset.Add(policy.Id);
                continue;
            }

            mode = policy.Mode;
            decidedBy = $"{level} policy {policy.Id}";
            unset.Clear();
        }

        var source = decidedBy ?? (unset.Count == 0 ? "no policy, Istio's default" : "no mode set, Istio's default");
        return (mode, unset.Count == 0 ? source : $"{source}; UNSET in {string.Join(" and ", unset)}");
    }

    private static PortMtls ForPort(int port, string workloadMode, PeerAuthenticationPolicy? workload)
    {
        if (workload is null || !workload.PortLevelModes.TryGetValue(port, out var portMode))
        {
            return new PortMtls(port, workloadMode, "inherited");
        }

        return portMode is null
            ? new PortMtls(port, workloadMode, $"inherited; port-level UNSET in {workload.Id}")
            : new PortMtls(port, portMode, $"port-level override in {workload.Id}");
    }
}
