namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: Teardown and Rebuild on a converged cluster, judged by what kubectl and helm show afterwards, the
/// report's items and the requests the cluster received. Each test starts from a converged cluster.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ConvergedMeshCollection.Name)]
public sealed class TeardownTests
{
    private static readonly string[] OurNamespaces = ["mailhog", "istio-ingress", "istio-system", "external-dns"];

    private readonly ConvergedMesh _mesh;

    public TeardownTests(ConvergedMesh mesh)
    {
        _mesh = mesh;
        Assert.True(mesh.First.ExitCode == 0, mesh.First.ToString());
        mesh.Converge();
    }

    private SimulatedMesh Mesh => _mesh.Mesh;

    [Fact]
    public void Teardown_removes_everything_of_ours_keeps_the_CRDs_and_a_second_one_finds_nothing_to_do()
    {
        var first = _mesh.Run("--target=Teardown");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(first.Items, item => item is { Kind: "proof", Name: "nothing of ours or Istio's is left", Outcome: "proven" });
        foreach (var release in (string[])["istio-system/istiod", "istio-system/istio-base", "istio-ingress/istio-ingressgateway", "istio-system/prometheus", "istio-system/grafana", "istio-system/kiali", "istio-system/jaeger"])
        {
            Assert.Contains(first.Items, item => item.Kind == "release" && item.Name == release && item.Outcome == "removed");
        }

        Assert.Contains(first.Items, item => item is { Name: "gateway.networking.istio.io/mesh-gateway in istio-ingress", Outcome: "removed" });
        Assert.Contains(first.Items, item => item is { Name: "namespace/mailhog", Outcome: "removed" });
        Assert.Contains("istio-system/istiod: uninstalled istiod-1.31.1 (revision 1)", first.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Mesh.Helm("list", "-A", "-q").Trim());
        var namespaces = Mesh.Kubectl("get", "namespaces", "-o", "name");
        Assert.All(OurNamespaces, ns => Assert.DoesNotContain($"namespace/{ns}\n", namespaces, StringComparison.Ordinal));
        Assert.Contains("peerauthentications.security.istio.io", Mesh.Kubectl("get", "crd", "-l", "app.kubernetes.io/part-of=istio", "-o", "name"), StringComparison.Ordinal);

        var second = _mesh.Run("--target=Teardown");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(second.Mutating.Count == 0, "a second Teardown wrote:" + Environment.NewLine + second.Describe(second.Mutating));
        Assert.NotEmpty(second.Run.LeaseWrites);
        Assert.All(second.Items.Where(item => item.Kind != "proof"), item => Assert.Equal("already-absent", item.Outcome));
        Assert.Contains(second.Items, item => item is { Kind: "proof", Outcome: "proven" });
    }

    [Fact]
    public void A_plan_of_Teardown_says_what_it_would_remove_and_changes_nothing()
    {
        var plan = _mesh.Run("--target=Teardown", "--plan", "--detailed-exitcode");

        Assert.True(plan.ExitCode == 4, plan.ToString());
        Assert.Empty(plan.Mutating);
        Assert.Empty(plan.Run.LeaseWrites);
        Assert.Contains("x release istio-system/istiod: uninstall istiod-1.31.1 (revision 1, deployed)", plan.Output, StringComparison.Ordinal);
        Assert.Contains("x object namespace/mailhog: remove", plan.Output, StringComparison.Ordinal);
        Assert.Contains(plan.Items, item => item is { Kind: "proof", Outcome: "would-prove" });
        Assert.Contains("mailhog", Mesh.Kubectl("get", "namespaces", "-o", "name"), StringComparison.Ordinal);
    }

    [Fact]
    public void With_include_crds_Istios_CRDs_go_too()
    {
        var run = _mesh.Run("--target=Teardown", "--include-crds");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(string.Empty, Mesh.Kubectl("get", "crd", "-l", "app.kubernetes.io/part-of=istio", "-o", "name").Trim());
        // The fixture's CRDs, like any without helm.sh/resource-policy=keep, go with helm's uninstall of base.
        Assert.Contains(run.Items, item => item is { Name: "istio-system/istio-base", Outcome: "removed" } && item.Detail.EndsWith("its 4 CRDs go too (include-crds)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_istiod_revision_and_what_Istio_leaves_behind_are_removed()
    {
        // A canary istiod beside the default one, a revision tag, istiod's root certificate in a namespace not ours,
        // and a finalizer on istio-system such as Istio's operator leaves.
        Mesh.Kubectl("patch", "namespace", "istio-system", "--type=merge", "-p", """{"metadata":{"finalizers":["istio-finalizer.install.istio.io"]}}""");
        Mesh.Helm("install", "istiod-canary", Path.Combine(SimulatedMesh.RepositoryRoot, "tests", "charts", "istiod"), "-n", "istio-system", "--set", "revision=canary");
        Mesh.KubectlApply("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: istio-revision-tag-default
              labels:
                istio.io/tag: default
                istio.io/rev: canary
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: istio-ca-root-cert
              namespace: default
            data:
              root-cert.pem: not a real certificate
            """);

        var run = _mesh.Run("--target=Teardown");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Items, item => item is { Kind: "release", Name: "istio-system/istiod-canary", Outcome: "removed" });
        Assert.Contains(run.Items, item => item is { Name: "mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-revision-tag-default", Outcome: "removed" });
        Assert.Contains(run.Items, item => item is { Name: "configmap/istio-ca-root-cert in default", Outcome: "removed" });
        Assert.DoesNotContain("istio", Mesh.Kubectl("get", "mutatingwebhookconfigurations", "-o", "name"), StringComparison.Ordinal);
        Assert.Contains("namespace istio-system: took off its finalizers (istio-finalizer.install.istio.io), which nothing would remove once Istio is gone", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_audit_fails_naming_a_leftover_that_nothing_removes()
    {
        Mesh.KubectlApply("""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: stray-istio-reader
              namespace: default
              labels:
                app.kubernetes.io/part-of: istio
            """);
        try
        {
            var run = _mesh.Run("--target=Teardown");

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("Teardown: 1 object(s) of ours or Istio's are still in the cluster after Teardown (expected none)", run.Output, StringComparison.Ordinal);
            Assert.Contains("serviceaccount/stray-istio-reader in default (label app.kubernetes.io/part-of=istio)", run.Output, StringComparison.Ordinal);
            Assert.Contains(run.Items, item => item is { Kind: "proof", Name: "nothing of ours or Istio's is left", Outcome: "failed" });
        }
        finally
        {
            Mesh.Kubectl("delete", "serviceaccount", "stray-istio-reader", "-n", "default");
        }
    }

    [Fact]
    public void Rebuild_tears_down_then_converges_and_a_re_run_changes_nothing()
    {
        var rebuild = _mesh.Run("--target=Rebuild");

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.StartsWith("Running Teardown -> ", rebuild.Output.Split('\n').First(line => line.StartsWith("Running ", StringComparison.Ordinal)), StringComparison.Ordinal);
        var tasks = rebuild.Report!["tasks"]!.AsArray().Select(task => (string)task!["name"]!).ToList();
        Assert.Equal("Teardown", tasks[0]);
        Assert.Contains(rebuild.Items, item => item is { Task: "Teardown", Name: "istio-system/istiod", Outcome: "removed" });
        Assert.Contains(rebuild.Items, item => item is { Task: "InstallIstio", Name: "istio-system/istiod", Outcome: "created" });

        var again = _mesh.Run("--proofs=on-change");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(again.Mutating.Count == 0, "a re-run after Rebuild wrote:" + Environment.NewLine + again.Describe(again.Mutating));
    }
}
