using Mesh.Build.Catalog;
using Mesh.Build.Istio;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

/// <summary>
/// The end of a canary: VerifyDashboards calls it once the chain's last proofs have passed on the new revision.
/// Where a canary stands is read from the cluster, so a run stopped before the end (--target=EnforceMtls) is
/// promoted by the next whole run. Within the chain's last task rather than a task of its own, so the chain stays
/// the one our users know and its default target still ends it.
/// </summary>
internal static class CanaryPromotion
{
    public static async Task PromoteAsync(BuildContext context)
    {
        if (context.Settings.UpgradeStrategy != UpgradeStrategy.Canary)
        {
            return;
        }

        var canary = context.Canary;
        var state = await canary.ReadAsync();
        if (!state.InCanary)
        {
            canary.Step(Components.Istiod.ReleaseFor(state.Wanted), Outcome.Unchanged, $"nothing in canary: the only istiod revision, tag {state.Tag} {(state.Tagged == state.Wanted ? "points at it" : $"points at {state.Tagged ?? "no revision"}")}");
            await context.Proofs.RunAsync($"revision tag {state.Tag} is on {state.Wanted}, the only revision", ProofCost.ReadOnly, () => RequirePromotedAsync(context));
            return;
        }

        if (state.Tagged != state.Wanted && !context.Settings.Plan)
        {
            throw new InvalidOperationException(
                $"VerifyDashboards: the proofs ran, but revision tag {state.Tag} points at {state.Tagged ?? "no revision"}, not at the canary's {state.Wanted}; nothing was removed. " +
                $"Run the chain again (InstallIstio moves the tag), or check `kubectl get mutatingwebhookconfiguration {MeshLayout.RevisionTagWebhook(state.Tag)} --show-labels`.");
        }

        // Base's default validator follows the tag's revision, before the istiod it sent to goes.
        await context.Releases.ConvergeAsync(InstallIstioInit.Release(context, state.Wanted));
        foreach (var old in state.Old)
        {
            await canary.RemoveAsync(old!, $"promoted: tag {state.Tag} points at {state.Wanted} and its proofs passed");
        }
        var gateway = Components.Gateway;
        await canary.RestartOntoAsync(state.Wanted, gateway.Namespace, gateway.Deployment!, MeshLayout.GatewayPods);
        canary.Step(Components.Istiod.ReleaseFor(state.Wanted), context.Settings.Plan ? Outcome.WouldChange : Outcome.Changed, $"{(context.Settings.Plan ? "would be promoted" : "promoted")}: the only istiod revision; tag {state.Tag}, MailHog and the gateway on it");
        await context.Proofs.RunAsync($"revision tag {state.Tag} is on {state.Wanted}, the only revision", ProofCost.ReadOnly, () => RequirePromotedAsync(context));
    }

    /// <summary>One istiod release, the tag on it, the gateway's pods injected by it.</summary>
    private static async Task<string> RequirePromotedAsync(BuildContext context)
    {
        var state = await context.Canary.ReadAsync();
        var gateway = Components.Gateway;
        var pods = await context.Cluster.ListAsync("v1", "Pod", gateway.Namespace, MeshLayout.GatewayPods);
        var behind = pods.Where(pod => pod["metadata"]?["deletionTimestamp"] is null && Sidecars.RevisionOf(pod) != state.Wanted)
            .Select(pod => $"{(string?)pod["metadata"]?["name"]} ({Sidecars.RevisionOf(pod) ?? "no proxy"})")
            .ToList();
        if (state.InCanary || state.Tagged != state.Wanted || behind.Count > 0)
        {
            throw new InvalidOperationException(
                $"VerifyDashboards: expected {Components.Istiod.ReleaseFor(state.Wanted)} alone with tag {state.Tag} on it and the gateway's pods on it; found istiod revisions {string.Join(", ", state.Installed.Select(revision => revision ?? "(revision-less)"))}, " +
                $"the tag on {state.Tagged ?? "no revision"}{(behind.Count == 0 ? string.Empty : $", gateway pods on another revision: {string.Join(", ", behind)}")}. " +
                $"Run the chain again; `helm list -n {MeshLayout.IstioNamespace}` and `kubectl get pods -n {gateway.Namespace} -o yaml` show what runs.");
        }

        return $"{Components.Istiod.ReleaseFor(state.Wanted)} is the only istiod; tag {state.Tag} and {pods.Count} gateway pod(s) are on it";
    }
}
