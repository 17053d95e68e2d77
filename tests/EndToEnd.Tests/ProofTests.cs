using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>The whole chain run once on a simulated cluster, for tests that break one thing, run one task and put it back.</summary>
public sealed class ConvergedMesh : IAsyncLifetime
{
    public SimulatedMesh Mesh { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mesh = await SimulatedMesh.StartAsync();
        var run = Mesh.Run();
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public async Task DisposeAsync() => await Mesh.DisposeAsync();
}

/// <summary>
/// Issue 12: every proof a task makes of its result, shown to fail. Each test breaks one thing in a
/// converged cluster, as a person with kubectl could or as a part of the mesh can go wrong (a simulator
/// switch), runs only that task, sees it fail with exit code 1 and its message, and puts the cluster back.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ProofTests(ConvergedMesh converged) : IClassFixture<ConvergedMesh>
{
    private SimulatedMesh Mesh => converged.Mesh;

    [Fact]
    public void InstallIstio_fails_when_istiod_does_not_become_available()
    {
        // A new istiod pod that never starts (the kubelet does not run it): the rollout never finishes.
        Mesh.Cluster.Controllers.Kubelet = false;
        Mesh.Kubectl("rollout", "restart", "deployment/istiod", "-n", "istio-system");
        try
        {
            var run = Mesh.Run("--target=InstallIstio", "--exclusive", "--wait-timeout=3s");

            ProofAssert.Failed(run, "kubectl rollout status deployment/istiod", "timed out waiting for the condition");
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
        // As after `istioctl tag set default`: injection answers through a tag's webhook, ours is gone.
        var original = Recreatable(Mesh.KubectlJson("get", "mutatingwebhookconfiguration", "istio-sidecar-injector"));
        var tag = original.DeepClone();
        tag["metadata"]!["name"] = "istio-revision-tag-default";
        Mesh.KubectlApply(tag.ToJsonString());
        Mesh.Kubectl("delete", "mutatingwebhookconfiguration", "istio-sidecar-injector");
        try
        {
            var run = Mesh.Run("--target=InstallIstio", "--exclusive");

            ProofAssert.Failed(run, "InstallIstio: the sidecar injector's MutatingWebhookConfiguration istio-sidecar-injector is missing after installing istiod");
            Assert.Contains("the sidecar injector answers", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Mesh.KubectlApply(original.ToJsonString());
            Mesh.Kubectl("delete", "mutatingwebhookconfiguration", "istio-revision-tag-default");
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
