using System.Text.Json.Nodes;
using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Kubernetes;
using Mesh.Build.Reporting;

namespace Mesh.Build.Istio;

/// <summary>
/// The moves of a canary upgrade (upgrade-strategy=canary): read where it stands, move the revision tag from one
/// istiod release to another, restart workloads onto the tag's revision, roll back, remove a revision.
/// <para>
/// The tag is istiod's chart's own: the release of the revision it points at is given <c>revisionTags: [TAG]</c>
/// and renders the tag's MutatingWebhookConfiguration (and Service) with that revision's injector. We chose the
/// chart's values over generating the webhook as <c>istioctl tag set</c> does because the chart is what renders
/// every other webhook here: the tag's webhook then follows each Istio version's chart, istiod's run-time edits of
/// it are known to helm (--force-conflicts), and nothing outside a release is left to clean up. The price is
/// ownership: helm refuses an object another release owns, so the tag's webhook is in exactly one release at a
/// time, and a move is two upgrades: the old release gives the webhook up (helm deletes it), then the new one
/// renders it. Between the two, for the length of one helm upgrade, a new pod in a tagged namespace is not injected;
/// we restart nothing in that window. An uninstall may leave a revision's webhooks behind (istio/istio#58447), so
/// after one, the webhooks still labelled with that revision are removed.
/// </para>
/// </summary>
public sealed class CanaryUpgrade(Cluster cluster, Releases releases, Objects objects, RunRecord record, Action<string> log, string wanted, string tag, bool plan)
{
    private static readonly Component Istiod = Components.Istiod;

    /// <summary>The revision of istio-version, which the canary installs.</summary>
    public string Wanted { get; } = wanted;

    public string Tag { get; } = tag;

    /// <summary>The istiod revisions installed, and the one the tag points at.</summary>
    public async Task<ControlPlanes> ReadAsync()
    {
        var installed = (await releases.InstalledAsync(Istiod))
            .Select(release => release == Istiod.Release ? null : release[(Istiod.Release.Length + 1)..])
            .ToList();
        return new ControlPlanes(Wanted, Tag, installed, (await TagWebhookAsync()).Revision);
    }

    /// <summary>Says a step of the canary as it happens, in the log and in the run's record.</summary>
    public void Step(string name, Outcome outcome, string detail)
    {
        record.Add(new Item("canary", name, outcome, detail));
        log($"canary {name}: {detail}");
    }

    /// <summary>Moves the tag's webhook from <paramref name="from"/>'s release to <paramref name="to"/>'s, each at its own chart and values.</summary>
    public async Task MoveTagAsync(string? from, string to)
    {
        if (from is not null)
        {
            await HoldTagAsync(from, holds: false);
        }

        await HoldTagAsync(to, holds: true);
        var (webhook, now) = await TagWebhookAsync();
        if (now != to)
        {
            throw new InvalidOperationException(
                $"the revision tag {Tag} should point at {to} after upgrading {Istiod.ReleaseFor(to)} with revisionTags [{Tag}], but its webhook {MeshLayout.RevisionTagWebhook(Tag)} {(webhook is null ? "is missing" : $"is labelled {MeshLayout.RevisionLabel}={now}")}. " +
                $"Check `helm get manifest {Istiod.ReleaseFor(to)} -n {Istiod.Namespace}` and `kubectl get mutatingwebhookconfiguration -l istio.io/tag={Tag} --show-labels`.");
        }

        Step($"revision tag {Tag}", Outcome.Changed, $"{from ?? "no revision"} -> {to}: {MeshLayout.RevisionTagWebhook(Tag)} now sends injection to {Istiod.ReleaseFor(to)}");
    }

    /// <summary>
    /// Restarts a Deployment whose pods carry a proxy from a revision other than <paramref name="revision"/> (or none):
    /// injection happens when a pod is created, so only new pods take the tag's revision. Pods already on it are left alone.
    /// </summary>
    public async Task RestartOntoAsync(string revision, string ns, string deployment, string selector)
    {
        var pods = (await cluster.ListAsync("v1", "Pod", ns, selector)).Where(pod => pod["metadata"]?["deletionTimestamp"] is null).ToList();
        var behind = pods.Select(Sidecars.RevisionOf).Where(found => found != revision).Distinct().ToList();
        if (pods.Count > 0 && behind.Count == 0)
        {
            return;
        }

        await objects.RestartAsync(ns, deployment, $"its pods run the proxy of {string.Join(", ", behind.Select(found => found ?? "no revision"))}, not of {revision}, tag {Tag}'s revision");
    }

    /// <summary>
    /// Removes a revision's istiod release, then any webhook of that release its uninstall left behind: labelled with
    /// the revision and annotated as the release's (base's default validator carries the label too, and is base's).
    /// </summary>
    public async Task RemoveAsync(string revision, string why)
    {
        var release = Istiod.ReleaseFor(revision);
        await releases.RemoveAsync(Istiod, release, why);
        if (plan)
        {
            return;
        }

        foreach (var kind in new[] { "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration" })
        {
            var labelled = await cluster.ListAsync("admissionregistration.k8s.io/v1", kind, labelSelector: $"{MeshLayout.RevisionLabel}={revision}");
            foreach (var leftover in labelled.Where(webhook => (string?)webhook["metadata"]?["annotations"]?["meta.helm.sh/release-name"] == release))
            {
                await objects.RemoveAsync((string)leftover["apiVersion"]!, kind, (string)leftover["metadata"]!["name"]!, null, $"left behind by the uninstall of {release} (istio/istio#58447)");
            }
        }
    }

    /// <summary>
    /// Undoes a canary whose proof failed: the tag back on the revision it replaced, MailHog restarted onto it, the
    /// new revision removed. Returns what it did, for the failure's message.
    /// </summary>
    public async Task<string> RollBackAsync(ControlPlanes state, string mailHogNamespace)
    {
        ArgumentNullException.ThrowIfNull(state);
        var old = state.Replaced ?? throw new InvalidOperationException($"no revision to roll back to: {Istiod.ReleaseFor(Wanted)} is the only istiod installed.");
        log($"canary: rolling back from {Wanted} to {old}");
        if (state.Tagged != old)
        {
            await MoveTagAsync(Wanted, old);
        }

        // The gateway's pods select the tag too, and may have been recreated on the canary's revision (its chart upgrade).
        await RestartOntoAsync(old, mailHogNamespace, "mailhog", "app=mailhog");
        await RestartOntoAsync(old, Components.Gateway.Namespace, Components.Gateway.Deployment!, MeshLayout.GatewayPods);
        await RemoveAsync(Wanted, $"the canary of {Wanted} was rolled back");
        Step(Istiod.ReleaseFor(Wanted), Outcome.Changed, $"rolled back: tag {Tag} points at {old} again, MailHog and the gateway restarted onto it, {Istiod.ReleaseFor(Wanted)} removed");
        return $"tag {Tag} points at {old} again, MailHog's and the gateway's pods run its proxy again and {Istiod.ReleaseFor(Wanted)} was removed";
    }

    /// <summary>
    /// Runs a task's proofs. When one fails while the canary's revision runs beside another one, the
    /// canary is rolled back (<see cref="RollBackAsync"/>) and the task fails naming the proof and what was undone.
    /// </summary>
    public async Task ProveAsync(string task, string mailHogNamespace, Func<Task> prove)
    {
        ArgumentNullException.ThrowIfNull(prove);
        try
        {
            await prove();
        }
        catch (Exception failure) when (!plan && failure is not OperationCanceledException)
        {
            var state = await ReadAsync();
            if (!state.SideBySide)
            {
                throw;
            }

            var proof = record.ItemsOf(record.CurrentTask).LastOrDefault(item => item.Kind == "proof" && item.Outcome == Outcome.Failed)?.Name;
            var what = failure.Message.StartsWith($"{task}: ", StringComparison.Ordinal) ? failure.Message[(task.Length + 2)..] : failure.Message;
            var failed = proof is null ? $"{task} failed" : $"the proof '{proof}' failed";
            string undone;
            try
            {
                undone = await RollBackAsync(state, mailHogNamespace);
            }
            catch (Exception rollback)
            {
                throw new CanaryFailedException(
                    $"{task}: the canary of istiod revision {Wanted} failed ({failed}: {what}) and rolling it back failed too: {rollback.Message} " +
                    $"Both revisions may be installed: `helm list -n {Istiod.Namespace}`, and `kubectl get mutatingwebhookconfiguration {MeshLayout.RevisionTagWebhook(Tag)} --show-labels` shows where the tag points.",
                    failure);
            }

            throw new CanaryFailedException(
                $"{task}: the canary of istiod revision {Wanted} was rolled back because {failed}: {what}{Environment.NewLine}" +
                $"Rolled back: {undone}. Fix the cause and run again; the next run starts the canary afresh.",
                failure);
        }
    }

    /// <summary>The tag's webhook, and the revision it sends injection to (its revision label).</summary>
    private async Task<(JsonObject? Webhook, string? Revision)> TagWebhookAsync()
    {
        var webhook = await cluster.GetAsync("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", MeshLayout.RevisionTagWebhook(Tag), null);
        return (webhook, (string?)webhook?["metadata"]?["labels"]?[MeshLayout.RevisionLabel]);
    }

    // A release's own chart and values, with or without the tag: only revisionTags changes.
    private async Task HoldTagAsync(string revision, bool holds)
    {
        var release = Istiod.ReleaseFor(revision);
        var current = await releases.ReadAsync(release, Istiod.Namespace)
            ?? throw new InvalidOperationException($"istiod release {Istiod.Namespace}/{release} has no helm record, so the revision tag {Tag} cannot be moved {(holds ? "to" : "off")} it. `helm list -n {Istiod.Namespace}` shows what is installed.");
        var values = current.Values.DeepClone().AsObject();
        if (holds)
        {
            values["revisionTags"] = new JsonArray(Tag);
        }
        else
        {
            values.Remove("revisionTags");
        }

        await releases.ConvergeAsync(new ReleaseSpec(Istiod, release, values, current.ChartVersion));
    }
}

/// <summary>A canary failed its proofs (and was rolled back, or said why not); the message names the proof and what serves now.</summary>
public sealed class CanaryFailedException(string message, Exception inner) : Exception(message, inner);
