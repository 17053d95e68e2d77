using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

[TaskName("PromoteCanary")]
[IsDependentOn(typeof(VerifyDashboards))]
[TaskDescription("With upgrade-strategy=canary, once the proofs passed on the new revision: removes the old istiod revision and its webhooks, and restarts the gateway onto the revision tag")]
public sealed class PromoteCanary : AsyncFrostingTask<BuildContext>
{
    // No criteria: whether anything is in canary is known only from the cluster, and criteria are decided before it
    // is opened (in a dry run, never); and Cake leaves a target skipped by its criteria out of the run's report. So
    // the task runs at the end of every chain and says when there is nothing to promote.
    public override async Task RunAsync(BuildContext context)
    {
        if (context.Settings.UpgradeStrategy != UpgradeStrategy.Canary)
        {
            context.Log.Information("upgrade-strategy is in-place: istiod is upgraded where it runs, there is no canary to promote");
            return;
        }

        var canary = context.Canary;
        var state = await canary.ReadAsync();
        if (!state.InCanary)
        {
            canary.Step(Components.Istiod.ReleaseFor(state.Wanted), Outcome.Unchanged, $"nothing in canary: the only istiod revision, tag {state.Tag} points at it");
            await context.Proofs.RunAsync($"revision tag {state.Tag} is on {state.Wanted}, the only revision", ProofCost.ReadOnly, () => RequirePromotedAsync(context));
            return;
        }

        if (state.Tagged != state.Wanted && !context.Settings.Plan)
        {
            throw new InvalidOperationException(
                $"PromoteCanary: the proofs ran, but revision tag {state.Tag} points at {state.Tagged ?? "no revision"}, not at the canary's {state.Wanted}; nothing was removed. " +
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
                $"PromoteCanary: expected {Components.Istiod.ReleaseFor(state.Wanted)} alone with tag {state.Tag} on it and the gateway's pods on it; found istiod revisions {string.Join(", ", state.Installed.Select(revision => revision ?? "(revision-less)"))}, " +
                $"the tag on {state.Tagged ?? "no revision"}{(behind.Count == 0 ? string.Empty : $", gateway pods on another revision: {string.Join(", ", behind)}")}. " +
                $"Run the chain again; `helm list -n {MeshLayout.IstioNamespace}` and `kubectl get pods -n {gateway.Namespace} -o yaml` show what runs.");
        }

        return $"{Components.Istiod.ReleaseFor(state.Wanted)} is the only istiod; tag {state.Tag} and {pods.Count} gateway pod(s) are on it";
    }
}
