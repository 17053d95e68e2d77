using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 15: a mesh installed with upgrade-strategy=canary on the published 1.30.3 charts, then upgraded to
/// 1.31.0-rc.0 the canary way. While the upgrade runs, the istiod pods are looked at every 100 ms, so a test can
/// see both control planes run side by side. <see cref="BeforeUpgradeAsync"/> plans the upgrade or breaks the mesh.
/// </summary>
public abstract class CanaryUpgrade : IAsyncLifetime
{
    public const string From = "1.30.3";
    public const string To = "1.31.0-rc.0";

    public SimulatedMesh Mesh { get; private set; } = null!;

    public PipelineRun Installed { get; private set; } = null!;

    public ReportedRun Upgraded { get; private set; } = null!;

    /// <summary>The istiod revisions seen with a running pod at the same moment during the upgrade, each distinct set once, in order.</summary>
    public IReadOnlyList<string> RevisionsSeen { get; private set; } = [];

    public TimeSpan UpgradeTook { get; private set; }

    /// <summary>The pipeline's arguments for a canary to <paramref name="version"/> on the published charts, with Prometheus as the one dashboard.</summary>
    public static string[] Arguments(string version) =>
    [
        .. PublishedCharts.VersionArguments.Where(argument => !argument.StartsWith("--istio-version=", StringComparison.Ordinal)),
        $"--istio-version={version}",
        "--upgrade-strategy=canary",
        "--dashboards=prometheus",
    ];

    public async Task InitializeAsync()
    {
        if (PublishedCharts.Directory is not { } charts)
        {
            return;
        }

        Mesh = await SimulatedMesh.StartAsync(charts);
        Installed = Mesh.Run(Arguments(From));
        if (Installed.ExitCode != 0)
        {
            return;
        }

        await BeforeUpgradeAsync();
        Upgraded = await WatchedRunAsync(Arguments(To));
        await AfterUpgradeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
    }

    /// <summary>Runs the pipeline with a report, recording its requests and, while it runs, the istiod revisions with running pods.</summary>
    public async Task<ReportedRun> WatchedRunAsync(params string[] args)
    {
        var report = Path.Combine(Mesh.WorkingDirectory, $"report-{Guid.NewGuid():N}.json");
        var before = Mesh.Cluster.Requests.Records.Count;
        var seen = new List<string>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var revisions = string.Join(",", IstiodRevisions(Mesh.Cluster.Store));
                lock (seen)
                {
                    if (seen.Count == 0 || seen[^1] != revisions)
                    {
                        seen.Add(revisions);
                    }
                }

                await Task.Delay(100);
            }
        });
        var clock = Stopwatch.StartNew();
        var run = await Task.Run(() => Mesh.Run([.. args, $"--report={report}"]));
        UpgradeTook = clock.Elapsed;
        // A removed istiod's pods go with its Deployment, collected in the background: watched until one revision is left.
        for (var settle = Stopwatch.StartNew(); settle.Elapsed < TimeSpan.FromSeconds(30) && Last().Contains(',', StringComparison.Ordinal);)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await watcher;
        string Last()
        {
            lock (seen)
            {
                return seen.Count == 0 ? string.Empty : seen[^1];
            }
        }

        RevisionsSeen = seen;
        return new ReportedRun(
            run,
            File.Exists(report) ? JsonNode.Parse(File.ReadAllText(report))!.AsObject() : null,
            [.. Mesh.Cluster.Requests.Records.Skip(before)]);
    }

    /// <summary>Between the install and the upgrade: a plan of the upgrade, or the mesh made to fail.</summary>
    protected abstract Task BeforeUpgradeAsync();

    protected virtual Task AfterUpgradeAsync() => Task.CompletedTask;

    /// <summary>Each MailHog pod's istio.io/rev annotation (the revision that injected it) and proxy image.</summary>
    public IReadOnlyList<(string? Revision, string? Image)> MailHogProxies() =>
        [.. Mesh.KubectlJson("get", "pods", "-n", "mailhog", "-l", "app=mailhog")["items"]!.AsArray()
            .Where(pod => pod!["metadata"]!["deletionTimestamp"] is null)
            .Select(pod => (
                (string?)pod!["metadata"]!["annotations"]?["istio.io/rev"],
                (string?)pod["spec"]!["containers"]!.AsArray().FirstOrDefault(container => (string?)container!["name"] == "istio-proxy")?["image"]))];

    /// <summary>The revision the tag's webhook sends injection to, or null when there is no such webhook.</summary>
    public string? TagRevision() =>
        Mesh.Kubectl("get", "mutatingwebhookconfiguration", "-l", "istio.io/tag=prod", "-o", "jsonpath={.items[*].metadata.labels.istio\\.io/rev}") is { Length: > 0 } revision ? revision : null;

    public string[] Releases() => Mesh.Helm("list", "-n", "istio-system", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] Webhooks() =>
        Mesh.Kubectl("get", "mutatingwebhookconfiguration,validatingwebhookconfiguration", "-o", "name").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> IstiodRevisions(ObjectStore store) =>
        (store.List(ObjectStore.Kind("Pod"), "istio-system", LabelSelector.Parse("app=istiod"), _ => true)["items"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null && (string?)pod["status"]?["phase"] == "Running")
            .Select(pod => (string?)pod["metadata"]?["labels"]?["istio.io/rev"] ?? "default")
            .Distinct()
            .Order(StringComparer.Ordinal);
}

/// <summary>A plan of the upgrade, the canary (its proofs pass), then a re-run with proofs on-change.</summary>
public sealed class PromotedCanary : CanaryUpgrade
{
    public PipelineRun Planned { get; private set; } = null!;

    public ReportedRun Rerun { get; private set; } = null!;

    protected override async Task BeforeUpgradeAsync()
    {
        Planned = await Task.Run(() => Mesh.Run([.. Arguments(To), "--plan"]));

        // What istio/istio#58447 leaves after `helm uninstall`: a webhook of the old release's that its manifest no
        // longer lists (the simulated helm removes what a manifest lists, so it is made here, as the bug leaves it).
        Mesh.KubectlApply($"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: istio-revision-tag-{OldRevision}-leftover
              labels:
                istio.io/rev: {OldRevision}
              annotations:
                meta.helm.sh/release-name: istiod-{OldRevision}
            webhooks: []
            """);
    }

    private static string OldRevision => Build.Istio.MeshLayout.RevisionOf(From);

    protected override async Task AfterUpgradeAsync()
    {
        var report = Path.Combine(Mesh.WorkingDirectory, "rerun.json");
        var before = Mesh.Cluster.Requests.Records.Count;
        var run = await Task.Run(() => Mesh.Run([.. Arguments(To), "--proofs=on-change", $"--report={report}"]));
        Rerun = new ReportedRun(run, File.Exists(report) ? JsonNode.Parse(File.ReadAllText(report))!.AsObject() : null, [.. Mesh.Cluster.Requests.Records.Skip(before)]);
    }
}

/// <summary>
/// A canary whose mTLS proof fails: the new revision's proxies cannot complete a handshake, the old one's can.
/// After the rollback, EnforceMtls alone, at the old version, proves the mesh serves again.
/// </summary>
public sealed class FailedCanary : CanaryUpgrade
{
    public PipelineRun Afterwards { get; private set; } = null!;

    protected override Task BeforeUpgradeAsync()
    {
        Mesh.Cluster.MeshOptions.ProxyFailingMutualTls = $"docker.io/istio/proxyv2:{To}";
        return Task.CompletedTask;
    }

    protected override async Task AfterUpgradeAsync() =>
        Afterwards = await Task.Run(() => Mesh.Run([.. Arguments(From), "--target=EnforceMtls", "--exclusive"]));
}
