using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 15: upgrade-strategy=canary from 1.30.3 to 1.31.0-rc.0 on the published charts, promoted.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CanaryPromotionTests(PromotedCanary canary, ITestOutputHelper output) : IClassFixture<PromotedCanary>
{
    private const string Old = "1-30-3";
    private const string New = "1-31-0-rc-0";

    [PublishedChartsFact]
    public void The_install_runs_a_revisioned_istiod_with_the_tag_on_it_from_the_start()
    {
        Assert.True(canary.Installed.ExitCode == 0, canary.Installed.ToString());
        Assert.Contains($"istio-system/istiod-{Old}: installed istiod-{CanaryUpgrade.From}", canary.Installed.Output, StringComparison.Ordinal);
        Assert.Contains($"canary istiod-{Old}: nothing in canary", canary.Installed.Output, StringComparison.Ordinal);
    }

    [PublishedChartsFact]
    public void A_plan_shows_the_canary_steps_and_changes_nothing()
    {
        var planned = canary.Planned;
        output.WriteLine(planned.Output);
        Assert.True(planned.ExitCode == 0, planned.ToString());
        Assert.Empty(planned.Writes);
        Assert.Contains($"canary: istiod {Old} -> {New} with revision tag prod, in 6 steps:", planned.Output, StringComparison.Ordinal);
        Assert.Contains($"canary step 2: install istiod-{New} beside istiod-{Old} (InstallIstio)", planned.Output, StringComparison.Ordinal);
        Assert.Contains($"canary step 3: point revision tag prod at {New} (from {Old})", planned.Output, StringComparison.Ordinal);
        Assert.Contains($"istio-system/istiod-{New}: install istiod-{CanaryUpgrade.To}", planned.Output, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/mailhog in mailhog: restart (its pods run the proxy of 1-30-3, not of 1-31-0-rc-0", planned.Output, StringComparison.Ordinal);
        Assert.Matches($@"istio-system/istiod-{Old}: uninstall istiod-{CanaryUpgrade.From} \(revision \d+, deployed\); promoted", planned.Output);
    }

    [PublishedChartsFact]
    public void The_upgrade_runs_both_control_planes_side_by_side_then_only_the_new_one()
    {
        var upgraded = canary.Upgraded;
        output.WriteLine($"upgrade took {canary.UpgradeTook.TotalSeconds:0.0} s, {upgraded.Mutating.Count} mutating requests; istiod revisions seen: {string.Join(" | ", canary.RevisionsSeen)}");
        output.WriteLine(upgraded.Output);
        Assert.True(upgraded.ExitCode == 0, upgraded.ToString());
        Assert.Contains($"{Old},{New}", canary.RevisionsSeen);
        Assert.Equal(New, canary.RevisionsSeen[^1]);
        Assert.Equal([$"istiod-{New}"], canary.Releases().Where(release => release.StartsWith("istiod", StringComparison.Ordinal)));
    }

    [PublishedChartsFact]
    public void The_steps_are_logged_and_reported_as_they_happen()
    {
        var upgraded = canary.Upgraded;
        Assert.True(upgraded.ExitCode == 0, upgraded.ToString());
        string[] inOrder =
        [
            "istio-system/istio-base: upgraded to base-1.31.0-rc.0",
            $"canary: istiod {Old} -> {New} with revision tag prod, in 6 steps:",
            $"istio-system/istiod-{New}: installed istiod-{CanaryUpgrade.To}",
            $"canary revision tag prod: {Old} -> {New}",
            "deployment.apps/mailhog in mailhog: restarted",
            "proof plaintext from outside the mesh and mutual TLS from inside: proven",
            "istio-system/istio-base: upgraded to base-1.31.0-rc.0 (values differ at .defaultRevision)",
            $"istio-system/istiod-{Old}: uninstalled istiod-{CanaryUpgrade.From} (revision ",
            $"; promoted: tag prod points at {New} and its proofs passed",
            $"proof revision tag prod is on {New}, the only revision: proven",
        ];
        var at = 0;
        foreach (var line in inOrder)
        {
            var found = upgraded.Output.IndexOf(line, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{line}' not found after position {at}:{Environment.NewLine}{upgraded.Output}");
            at = found;
        }

        Assert.Contains(upgraded.Items, item => item is { Task: "InstallIstio", Kind: "canary", Name: "revision tag prod", Outcome: "changed" });
        Assert.Contains(upgraded.Items, item => item is { Task: "VerifyDashboards", Kind: "release", Outcome: "removed" } && item.Name == $"istio-system/istiod-{Old}");
        Assert.DoesNotContain("istiod-default-validator: removed", upgraded.Output, StringComparison.Ordinal);
    }

    [PublishedChartsFact]
    public void MailHog_and_the_gateway_carry_the_new_revision_and_the_tag_points_at_it()
    {
        Assert.True(canary.Upgraded.ExitCode == 0, canary.Upgraded.ToString());
        Assert.Equal(New, canary.TagRevision());
        Assert.Equal("prod", canary.Mesh.Kubectl("get", "namespace", "mailhog", "-o", "jsonpath={.metadata.labels.istio\\.io/rev}"));
        var proxies = canary.MailHogProxies();
        Assert.NotEmpty(proxies);
        Assert.All(proxies, proxy => Assert.Equal((New, $"docker.io/istio/proxyv2:{CanaryUpgrade.To}"), proxy));
        var gateway = canary.Mesh.KubectlJson("get", "pods", "-n", "istio-ingress", "-l", "istio=ingressgateway")["items"]!.AsArray()
            .Where(pod => pod!["metadata"]!["deletionTimestamp"] is null).ToList();
        Assert.NotEmpty(gateway);
        Assert.All(gateway, pod => Assert.Equal(New, (string?)pod!["metadata"]!["annotations"]!["istio.io/rev"]));
    }

    [PublishedChartsFact]
    public void The_old_release_is_gone_and_its_webhooks_with_it()
    {
        Assert.True(canary.Upgraded.ExitCode == 0, canary.Upgraded.ToString());
        Assert.DoesNotContain($"istiod-{Old}", canary.Releases());
        Assert.Contains($"mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-revision-tag-{Old}-leftover: removed (left behind by the uninstall of istiod-{Old} (istio/istio#58447))", canary.Upgraded.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(canary.Webhooks(), webhook => webhook.Contains(Old, StringComparison.Ordinal));
        Assert.Empty(canary.Mesh.Kubectl("get", "mutatingwebhookconfiguration,validatingwebhookconfiguration", "-l", $"istio.io/rev={Old}", "-o", "name").Trim());
        // The base chart's default validator follows the tag's revision.
        Assert.Equal($"istiod-{New}", canary.Mesh.Kubectl("get", "validatingwebhookconfiguration", "istiod-default-validator", "-o", "jsonpath={.webhooks[0].clientConfig.service.name}"));
    }

    [PublishedChartsFact]
    public void A_rerun_after_the_promotion_changes_nothing()
    {
        var rerun = canary.Rerun;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.True(rerun.Mutating.Count == 0, "mutating requests after a promoted canary:" + Environment.NewLine + rerun.Describe(rerun.Mutating) + Environment.NewLine + rerun);
        Assert.Contains($"canary istiod-{New}: nothing in canary", rerun.Output, StringComparison.Ordinal);
    }

    [PublishedChartsFact]
    public void DeployMailHog_fails_naming_a_MailHog_pod_that_still_runs_the_old_revisions_proxy()
    {
        // Broken by hand: a MailHog pod of no Deployment, with a proxy the old revision injected (a restart leaves it).
        canary.Mesh.KubectlApply($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: mailhog-left-behind
              namespace: mailhog
              labels:
                app: mailhog
                sidecar.istio.io/inject: "false"
              annotations:
                istio.io/rev: {Old}
            spec:
              containers:
                - name: mailhog
                  image: mailhog/mailhog:v1.0.1
                - name: istio-proxy
                  image: docker.io/istio/proxyv2:{CanaryUpgrade.From}
            """);
        try
        {
            var run = canary.Mesh.Run([.. CanaryUpgrade.Arguments(CanaryUpgrade.To), "--target=DeployMailHog", "--exclusive"]);
            output.WriteLine(run.Output);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"DeployMailHog: the canary's revision is {New}, but these pods in mailhog carry the proxy of another: mailhog-left-behind ({Old}).", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            canary.Mesh.Kubectl("delete", "pod", "mailhog-left-behind", "-n", "mailhog", "--wait=false");
        }
    }

    [PublishedChartsFact]
    public void The_promotion_proof_fails_when_the_tag_points_at_another_revision()
    {
        // Broken by hand: the tag's webhook says it sends injection to the old revision.
        canary.Mesh.Kubectl("label", "mutatingwebhookconfiguration", "istio-revision-tag-prod", $"istio.io/rev={Old}", "--overwrite");
        try
        {
            var run = canary.Mesh.Run([.. CanaryUpgrade.Arguments(CanaryUpgrade.To), "--target=VerifyDashboards", "--exclusive"]);
            output.WriteLine(run.Output);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"canary istiod-{New}: nothing in canary: the only istiod revision, tag prod points at {Old}", run.Output, StringComparison.Ordinal);
            Assert.Contains($"VerifyDashboards: expected istiod-{New} alone with tag prod on it and the gateway's pods on it; found istiod revisions {New}, the tag on {Old}.", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            canary.Mesh.Kubectl("label", "mutatingwebhookconfiguration", "istio-revision-tag-prod", $"istio.io/rev={New}", "--overwrite");
        }
    }
}

/// <summary>Issue 15: a canary whose mTLS proof fails (its proxies' handshakes are broken) is rolled back.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CanaryRollbackTests(FailedCanary canary, ITestOutputHelper output) : IClassFixture<FailedCanary>
{
    private const string Old = "1-30-3";
    private const string New = "1-31-0-rc-0";

    [PublishedChartsFact]
    public void The_run_fails_with_exit_1_naming_the_failed_proof_and_what_was_undone()
    {
        var upgraded = canary.Upgraded;
        output.WriteLine($"upgrade took {canary.UpgradeTook.TotalSeconds:0.0} s; istiod revisions seen: {string.Join(" | ", canary.RevisionsSeen)}");
        output.WriteLine(upgraded.Output);
        Assert.True(canary.Installed.ExitCode == 0, canary.Installed.ToString());
        Assert.Equal(1, upgraded.ExitCode);
        Assert.Contains($"EnforceMtls: the canary of istiod revision {New} was rolled back because the proof 'plaintext from outside the mesh and mutual TLS from inside' failed", upgraded.Output, StringComparison.Ordinal);
        Assert.Contains($"Rolled back: tag prod points at {Old} again", upgraded.Output, StringComparison.Ordinal);
        Assert.Contains(upgraded.Items, item => item is { Task: "EnforceMtls", Kind: "proof", Outcome: "failed" });
    }

    [PublishedChartsFact]
    public void The_tag_and_MailHog_are_back_on_the_old_revision_and_the_new_release_is_gone()
    {
        Assert.Equal(1, canary.Upgraded.ExitCode);
        Assert.Equal(Old, canary.TagRevision());
        var proxies = canary.MailHogProxies();
        Assert.NotEmpty(proxies);
        Assert.All(proxies, proxy => Assert.Equal((Old, $"docker.io/istio/proxyv2:{CanaryUpgrade.From}"), proxy));
        Assert.Equal([$"istiod-{Old}"], canary.Releases().Where(release => release.StartsWith("istiod", StringComparison.Ordinal)));
        Assert.DoesNotContain(canary.Webhooks(), webhook => webhook.Contains(New, StringComparison.Ordinal));
        Assert.Contains($"{Old},{New}", canary.RevisionsSeen);
    }

    [PublishedChartsFact]
    public void After_the_rollback_the_old_revision_proves_mTLS_again()
    {
        Assert.Equal(1, canary.Upgraded.ExitCode);
        Assert.True(canary.Afterwards.ExitCode == 0, canary.Afterwards.ToString());
        Assert.Contains("proof plaintext from outside the mesh and mutual TLS from inside: proven", canary.Afterwards.Output, StringComparison.Ordinal);
    }
}
