namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 11: what a re-run and a plan say about a converged cluster, about a changed setting and about hand
/// edits, judged by the cluster's own state and the requests it received.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ConvergedMeshCollection.Name)]
public sealed class HonestStateTests
{
    private readonly ConvergedMesh _mesh;

    public HonestStateTests(ConvergedMesh mesh)
    {
        _mesh = mesh;
        Assert.True(mesh.First.ExitCode == 0, mesh.First.ToString());
        mesh.Converge();
    }

    private SimulatedMesh Mesh => _mesh.Mesh;

    [Fact]
    public void A_re_run_with_proofs_on_change_sends_no_mutating_request_and_finds_everything_unchanged()
    {
        var run = _mesh.Run("--proofs=on-change");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Mutating.Count == 0, "mutating requests on a converged cluster:" + Environment.NewLine + run.Describe(run.Mutating));
        var items = run.Items.Where(item => item.Kind is "release" or "object").ToList();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.True(item.Outcome == "unchanged", $"{item.Task}: {item.Kind} {item.Name} is {item.Outcome} ({item.Detail})"));
        Assert.Contains(run.Items, item => item is { Name: "plaintext from outside the mesh and mutual TLS from inside", Outcome: "skipped" });
        Assert.Contains("istio-system/istiod: already right (istiod-1.31.1, revision 1)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_of_a_converged_cluster_says_unchanged_everywhere_writes_nothing_and_exits_0_with_detailed_exitcode()
    {
        var run = _mesh.Run("--plan", "--detailed-exitcode");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Mutating);
        Assert.All(run.Items.Where(item => item.Kind is "release" or "object"), item => Assert.Equal("unchanged", item.Outcome));
        Assert.Contains(run.Items, item => item is { Kind: "proof", Outcome: "would-prove" });
        Assert.Contains("Plan: 0 to create, 0 to change,", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_setting_is_planned_then_upgrades_exactly_the_release_it_concerns()
    {
        var plan = _mesh.Run("--plan", "--detailed-exitcode", "--access-log=false");

        Assert.True(plan.ExitCode == 4, plan.ToString());
        Assert.Empty(plan.Mutating);
        var planned = Assert.Single(plan.Items, item => item.Outcome != "unchanged" && item.Kind != "proof");
        Assert.Equal(("release", "istio-system/istiod", "would-change"), (planned.Kind, planned.Name, planned.Outcome));
        Assert.Contains(".meshConfig.accessLogFile", planned.Detail, StringComparison.Ordinal);
        Assert.Contains("configmap/istio .data.mesh", planned.Detail, StringComparison.Ordinal);

        var run = _mesh.Run("--access-log=false", "--proofs=off");

        Assert.True(run.ExitCode == 0, run.ToString());
        var changed = Assert.Single(run.Items, item => item.Outcome is "changed" or "created");
        Assert.Equal(("release", "istio-system/istiod"), (changed.Kind, changed.Name));
        Assert.Contains("accessLogFile: \"\"", Mesh.Kubectl("get", "configmap", "istio", "-n", "istio-system", "-o", "jsonpath={.data.mesh}"), StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_edits_are_named_by_the_plan_and_repaired_by_the_next_run()
    {
        Mesh.Kubectl("scale", "deployment/istiod", "-n", "istio-system", "--replicas=0");
        Mesh.Kubectl("patch", "virtualservice.networking.istio.io/mailhog", "-n", "mailhog", "--type=merge", "-p", """{"spec":{"hosts":["elsewhere.example.com"]}}""");

        var plan = _mesh.Run("--plan");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Empty(plan.Mutating);
        Assert.Contains(plan.Items, item => item is { Name: "istio-system/istiod", Outcome: "would-change" } && item.Detail.Contains("deployment/istiod .spec.replicas 0 -> 1", StringComparison.Ordinal));
        Assert.Contains(plan.Items, item => item is { Name: "virtualservice.networking.istio.io/mailhog in mailhog", Outcome: "would-change" } && item.Detail.Contains(".spec.hosts[0]", StringComparison.Ordinal));

        var run = _mesh.Run("--proofs=off");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("istio-system/istiod: changed (deployment/istiod .spec.replicas 0 -> 1)", run.Output, StringComparison.Ordinal);
        Assert.Contains("virtualservice.networking.istio.io/mailhog in mailhog: changed (.spec.hosts[0])", run.Output, StringComparison.Ordinal);
        Assert.Equal("1", Mesh.Kubectl("get", "deployment", "istiod", "-n", "istio-system", "-o", "jsonpath={.spec.replicas}"));
        Assert.StartsWith("mailhog.", Mesh.Kubectl("get", "virtualservice", "mailhog", "-n", "mailhog", "-o", "jsonpath={.spec.hosts[0]}"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_a_controller_owns_at_run_time_is_not_drift()
    {
        // istiod's own edit of its webhook, as the real istiod makes it: a field manager that is neither helm nor a person.
        var webhook = Mesh.KubectlJson("get", "mutatingwebhookconfiguration", "istio-sidecar-injector");
        Mesh.Kubectl(
            "patch", "mutatingwebhookconfiguration", "istio-sidecar-injector", "--type=json", "--field-manager=pilot-discovery",
            "-p", $$"""[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"{{((string?)webhook["webhooks"]![0]!["failurePolicy"] == "Fail" ? "Ignore" : "Fail")}}"}]""");

        var plan = _mesh.Run("--plan", "--detailed-exitcode");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains(plan.Items, item => item is { Name: "istio-system/istiod", Outcome: "unchanged" });
    }

    [Fact]
    public void Proofs_always_run_every_proof_and_off_runs_none()
    {
        var always = _mesh.Run();
        var off = _mesh.Run("--proofs=off");

        Assert.True(always.ExitCode == 0, always.ToString());
        Assert.Contains(always.Items, item => item is { Name: "plaintext from outside the mesh and mutual TLS from inside", Outcome: "proven" });
        Assert.Contains(always.Mutating, request => request.Path.Contains("/jobs", StringComparison.Ordinal));
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.All(off.Items.Where(item => item.Kind == "proof"), item => Assert.Equal("skipped", item.Outcome));
        Assert.Empty(off.Mutating);
    }

    [Fact]
    public void With_proofs_on_change_a_run_that_changes_something_proves_mtls()
    {
        Mesh.Kubectl("delete", "peerauthentication", "default", "-n", "istio-system");

        var run = _mesh.Run("--proofs=on-change");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Items, item => item is { Name: "peerauthentication.security.istio.io/default in istio-system", Outcome: "created" });
        Assert.Contains(run.Items, item => item is { Name: "plaintext from outside the mesh and mutual TLS from inside", Outcome: "proven" });
    }

    [Fact]
    public void The_report_lists_every_task_with_its_status_duration_and_items()
    {
        var run = _mesh.Run("--proofs=off");

        var tasks = run.Report!["tasks"]!.AsArray();
        Assert.Equal(
            ["ConfigureExternalDns", "InstallIstioInit", "InstallIstio", "ConfigureGateway", "DeployMailHog", "EnforceMtls", "VerifyDashboards"],
            tasks.Select(task => (string)task!["name"]!));
        Assert.Equal("skipped", (string?)tasks.Single(task => (string?)task!["name"] == "ConfigureExternalDns")!["status"]);
        Assert.Equal("succeeded", (string?)run.Report["status"]);
        Assert.True((int)run.Report["totals"]!["unchanged"]! > 10);
    }
}
