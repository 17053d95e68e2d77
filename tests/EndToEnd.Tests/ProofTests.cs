using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 12: every proof a task makes of its result, shown to fail. Each test breaks one thing in a
/// converged cluster, as a person with kubectl could or as a part of the mesh can go wrong (a simulator
/// switch), runs only that task, sees it fail with exit code 1 and its message, and puts the cluster back.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ProofTests : IClassFixture<ConvergedMesh>
{
    private readonly ConvergedMesh _converged;

    public ProofTests(ConvergedMesh converged)
    {
        _converged = converged;
        Assert.True(converged.First.ExitCode == 0, converged.First.ToString());
    }

    private SimulatedMesh Mesh => _converged.Mesh;

    [Fact]
    public void InstallIstio_fails_when_istiod_does_not_become_available()
    {
        // A new istiod pod that never starts (the kubelet does not run it): the rollout never finishes.
        Mesh.Cluster.Controllers.Kubelet = false;
        Mesh.Kubectl("rollout", "restart", "deployment/istiod", "-n", "istio-system");
        try
        {
            var run = Mesh.Run("--target=InstallIstio", "--exclusive", "--wait-timeout=3s");

            ProofAssert.Failed(run, "Deployment istio-system/istiod did not become available within 3s", "kubectl describe deployment istiod -n istio-system");
        }
        finally
        {
            Mesh.Cluster.Controllers.Kubelet = true;
            Mesh.Kubectl("rollout", "status", "deployment/istiod", "-n", "istio-system", "--timeout=60s");
        }
    }

    [Fact]
    public void InstallIstio_fails_when_the_sidecar_injector_does_not_inject()
    {
        Mesh.Cluster.MeshOptions.SidecarInjection = false;
        try
        {
            var run = Mesh.Run("--target=InstallIstio", "--exclusive", "--wait-timeout=5s");

            ProofAssert.Failed(
                run,
                "InstallIstio: istiod is available but its sidecar injector did not inject a test pod in istio-ingress within 00:00:05",
                "(the pod came back without an istio-proxy container)");
        }
        finally
        {
            Mesh.Cluster.MeshOptions.SidecarInjection = true;
        }
    }

    [Fact]
    public void InstallIstio_fails_when_the_sidecar_injector_webhook_is_missing()
    {
        // An istiod chart (a new version) that names its injector's webhook configuration otherwise, as a
        // revision tag would: injection still answers, but the webhook the task looks for is gone. A webhook merely
        // deleted by hand is not this case: the release is then not "already right" and the upgrade restores it.
        using var charts = new TempCharts("base", "gateway", "prometheus", "grafana", "kiali-server", "jaeger", "external-dns")
            .Add("istiod", text => text
                .Replace("name: istio-sidecar-injector{{", "name: istio-revision-tag-default{{", StringComparison.Ordinal)
                .Replace("version: 1.31.1", "version: 1.31.2", StringComparison.Ordinal));
        try
        {
            var run = Mesh.Run("--target=InstallIstio", "--exclusive", $"--chart-dir={charts.Path}", "--istiod-chart-version=1.31.2");

            ProofAssert.Failed(run, "InstallIstio: the sidecar injector's MutatingWebhookConfiguration istio-sidecar-injector is missing after installing istiod");
            Assert.Contains("proof the sidecar injector answers: proven", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            var back = Mesh.Run("--target=InstallIstio", "--exclusive", "--proofs=off");
            Assert.True(back.ExitCode == 0, back.ToString());
        }
    }

    [Fact]
    public void DeployMailHog_fails_when_a_pod_runs_without_istio_proxy()
    {
        // Pods created while the namespace had no injection label: relabelling does not inject them.
        Mesh.Kubectl("label", "namespace", "mailhog", "istio-injection-");
        RestartMailHog();
        try
        {
            var run = Mesh.Run("--target=DeployMailHog", "--exclusive");

            ProofAssert.Failed(
                run,
                "DeployMailHog: pods without istio-proxy: mailhog-",
                "Pods created before the namespace was labelled for injection keep running without it: `kubectl rollout restart deployment/mailhog -n mailhog`");
        }
        finally
        {
            Mesh.Kubectl("label", "namespace", "mailhog", "istio-injection=enabled", "--overwrite");
            RestartMailHog();
        }
    }

    [Fact]
    public void EnforceMtls_fails_when_a_narrower_policy_overrides_ours()
    {
        Mesh.KubectlApply("""
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata:
              name: mailhog-permissive
              namespace: mailhog
            spec:
              selector:
                matchLabels:
                  app: mailhog
              mtls:
                mode: PERMISSIVE
            """);
        try
        {
            var run = Mesh.Run("--target=EnforceMtls", "--exclusive");

            ProofAssert.Failed(
                run,
                "EnforceMtls: STRICT was applied, but MailHog's effective mTLS on port 8025 is PERMISSIVE",
                "A narrower PeerAuthentication overrides ours");
        }
        finally
        {
            Mesh.Kubectl("delete", "peerauthentication", "mailhog-permissive", "-n", "mailhog");
        }
    }

    [Fact]
    public void EnforceMtls_fails_when_plaintext_gets_through_under_STRICT()
    {
        Mesh.Cluster.MeshOptions.StrictRefusesPlaintext = false;
        try
        {
            var run = Mesh.Run("--target=EnforceMtls", "--exclusive");

            ProofAssert.Failed(run, "EnforceMtls: the mTLS proof failed:", "the plaintext call from a pod without a sidecar got through although STRICT must refuse it");
        }
        finally
        {
            Mesh.Cluster.MeshOptions.StrictRefusesPlaintext = true;
        }
    }

    [Fact]
    public void EnforceMtls_fails_when_the_call_from_inside_the_mesh_fails()
    {
        Mesh.Cluster.MeshOptions.MutualTlsHandshake = false;
        try
        {
            var run = Mesh.Run("--target=EnforceMtls", "--exclusive");

            ProofAssert.Failed(run, "EnforceMtls: the mTLS proof failed:", "the call from inside the mesh should get HTTP 200 but did not: mtls-probe-inside: completed, HTTP 503");
        }
        finally
        {
            Mesh.Cluster.MeshOptions.MutualTlsHandshake = true;
        }
    }

    [Theory]
    [InlineData("prometheus")]
    [InlineData("grafana")]
    [InlineData("kiali")]
    [InlineData("jaeger")]
    public void VerifyDashboards_fails_naming_a_dashboard_that_is_down(string dashboard)
    {
        var replicas = Mesh.Kubectl("get", "deployment", dashboard, "-n", "istio-system", "-o", "jsonpath={.spec.replicas}");
        Mesh.Kubectl("scale", $"deployment/{dashboard}", "-n", "istio-system", "--replicas=0");
        WaitUntil(() => Mesh.Kubectl("get", "deployment", dashboard, "-n", "istio-system", "-o", "jsonpath={.status.readyReplicas}") is "" or "0");
        try
        {
            var run = Mesh.Run("--target=VerifyDashboards", "--exclusive", "--wait-timeout=5s");

            ProofAssert.Failed(run, $"VerifyDashboards: {dashboard} not healthy", $"check `kubectl -n istio-system rollout status deployment/{dashboard}`");
        }
        finally
        {
            Mesh.Kubectl("scale", $"deployment/{dashboard}", "-n", "istio-system", $"--replicas={replicas}");
            Mesh.Kubectl("rollout", "status", $"deployment/{dashboard}", "-n", "istio-system", "--timeout=60s");
        }
    }

    [Fact]
    public void VerifyDashboards_fails_when_prometheus_counts_no_mutual_tls_requests()
    {
        Mesh.Cluster.MeshOptions.PrometheusScrapesSidecars = false;
        try
        {
            var run = Mesh.Run("--target=VerifyDashboards", "--exclusive", "--wait-timeout=3s");

            ProofAssert.Failed(run, "VerifyDashboards: Prometheus has no mutual-TLS requests to mailhog after", "Check that Prometheus scrapes the sidecars");
        }
        finally
        {
            Mesh.Cluster.MeshOptions.PrometheusScrapesSidecars = true;
        }
    }

    /// <summary>An object as read, without what the server sets, so that it can be created again.</summary>
    private static JsonNode Recreatable(JsonNode obj)
    {
        var metadata = obj["metadata"]!.AsObject();
        foreach (var field in new[] { "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields" })
        {
            metadata.Remove(field);
        }

        return obj;
    }

    private void RestartMailHog()
    {
        // kubectl refuses a restart within a second of the last (its restartedAt annotation counts seconds), and a fast run comes and goes in less.
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Mesh.Kubectl("rollout", "restart", "deployment/mailhog", "-n", "mailhog");
        Mesh.Kubectl("rollout", "status", "deployment/mailhog", "-n", "mailhog", "--timeout=60s");
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the cluster did not get there within 30 s");
            Thread.Sleep(200);
        }
    }
}
