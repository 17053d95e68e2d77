using Cake.Core.IO;
using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Tests.Tools.Helm;

public sealed class HelmArgumentTests
{
    [Fact]
    public void Upgrade_with_defaults_on_helm4_applies_server_side()
    {
        var helm = new HelmFixture(4);

        helm.Runner.Upgrade("istiod", "/charts/istiod", helm.Settings(new HelmUpgradeSettings()));

        Assert.Equal("upgrade --install istiod \"/charts/istiod\" --server-side=true", helm.Arguments);
        Assert.Equal($"{helm.Context.Tools.Resolve("helm").FullPath}", helm.Processes.Last.Path.FullPath);
    }

    [Fact]
    public void Upgrade_with_everything_on_helm4()
    {
        var helm = new HelmFixture(4);
        var settings = helm.Settings(new HelmUpgradeSettings
        {
            KubeConfig = new FilePath("/home/me/.kube/config"),
            KubeContext = "kind-mesh",
            Namespace = "istio-system",
            CreateNamespace = true,
            Version = "1.31.1",
            Wait = true,
            RollbackOnFailure = true,
            Timeout = TimeSpan.FromMinutes(5),
            ForceConflicts = true,
        });
        settings.ValuesFiles.Add(new FilePath("/repo/manifests/istiod.yaml"));
        settings.Values["meshConfig.accessLogFile"] = "/dev/stdout";
        settings.SecretValues["grafana.adminPassword"] = "hunter2";

        helm.Runner.Upgrade("istiod", "istio/istiod", settings);

        Assert.Equal(
            "upgrade --install istiod \"istio/istiod\" --kubeconfig \"/home/me/.kube/config\" --kube-context \"kind-mesh\" "
            + "--namespace istio-system --create-namespace --version \"1.31.1\" -f \"/repo/manifests/istiod.yaml\" "
            + "--set \"meshConfig.accessLogFile=/dev/stdout\" --set \"grafana.adminPassword=hunter2\" "
            + "--rollback-on-failure --wait=watcher --timeout 300s --server-side=true --force-conflicts",
            helm.Arguments);
        Assert.Contains("--set \"[REDACTED]\"", helm.Processes.Last.SafeArguments, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", helm.Processes.Last.SafeArguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Upgrade_with_everything_on_helm3_uses_atomic_and_plain_wait_and_no_server_side()
    {
        var helm = new HelmFixture(3);
        var settings = helm.Settings(new HelmUpgradeSettings
        {
            Namespace = "istio-system",
            CreateNamespace = true,
            Wait = true,
            RollbackOnFailure = true,
            Timeout = TimeSpan.FromSeconds(90),
            ForceConflicts = true,
        });

        helm.Runner.Upgrade("istiod", "istio/istiod", settings);

        Assert.Equal(
            "upgrade --install istiod \"istio/istiod\" --namespace istio-system --create-namespace --atomic --wait --timeout 90s",
            helm.Arguments);
    }

    [Fact]
    public void Rollback_to_a_revision_with_everything_on_helm4()
    {
        var helm = new HelmFixture(4);

        helm.Runner.Rollback("istiod", helm.Settings(new HelmRollbackSettings
        {
            KubeConfig = new FilePath("/home/me/.kube/config"),
            KubeContext = "kind-mesh",
            Namespace = "istio-system",
            Revision = 3,
            Wait = true,
            Timeout = TimeSpan.FromMinutes(2),
        }));

        Assert.Equal(
            "rollback istiod 3 --kubeconfig \"/home/me/.kube/config\" --kube-context \"kind-mesh\" --namespace istio-system --wait=watcher --timeout 120s",
            helm.Arguments);
    }

    [Fact]
    public void Rollback_to_the_previous_revision_on_helm3_waits_plainly()
    {
        var helm = new HelmFixture(3);

        helm.Runner.Rollback("istiod", helm.Settings(new HelmRollbackSettings { Namespace = "istio-system", Wait = true }));

        Assert.Equal("rollback istiod --namespace istio-system --wait", helm.Arguments);
    }

    [Fact]
    public void Uninstall_with_everything_on_helm4_and_bare()
    {
        var helm = new HelmFixture(4);

        helm.Runner.Uninstall("istiod", helm.Settings(new HelmUninstallSettings { Namespace = "istio-system", IgnoreNotFound = true, Wait = true, Timeout = TimeSpan.FromSeconds(90) }));
        Assert.Equal("uninstall istiod --namespace istio-system --ignore-not-found --wait=watcher --timeout 90s", helm.Arguments);

        helm.Runner.Uninstall("web", helm.Settings(new HelmUninstallSettings()));
        Assert.Equal("uninstall web", helm.Arguments);
    }

    [Fact]
    public void Upgrade_on_helm4_can_leave_server_side_to_helm_or_turn_it_off()
    {
        var helm = new HelmFixture(4);

        helm.Runner.Upgrade("a", "c", helm.Settings(new HelmUpgradeSettings { ServerSide = null }));
        Assert.Equal("upgrade --install a \"c\"", helm.Arguments);

        helm.Runner.Upgrade("a", "c", helm.Settings(new HelmUpgradeSettings { ServerSide = false }));
        Assert.Equal("upgrade --install a \"c\" --server-side=false", helm.Arguments);
    }

    [Fact]
    public void Helm_version_is_detected_once_per_binary_when_not_configured()
    {
        var helm = new HelmFixture(majorVersion: null);
        helm.Processes.Answer("version", new FakeResponse(StandardOutput: "v3.18.0\n"));

        helm.Runner.Upgrade("a", "c", new HelmUpgradeSettings { RollbackOnFailure = true });
        helm.Runner.Upgrade("a", "c", new HelmUpgradeSettings { RollbackOnFailure = true });

        Assert.Equal(
            ["version --template {{.Version}}", "upgrade --install a \"c\" --atomic", "upgrade --install a \"c\" --atomic"],
            helm.Processes.Calls.Select(call => call.Arguments));
    }

    [Fact]
    public void Helm4_is_detected_from_its_version_output()
    {
        var helm = new HelmFixture(majorVersion: null);
        helm.Processes.Answer("version", new FakeResponse(StandardOutput: "v4.1.4"));

        helm.Runner.Upgrade("a", "c", new HelmUpgradeSettings { RollbackOnFailure = true, Wait = true });

        Assert.Equal("upgrade --install a \"c\" --rollback-on-failure --wait=watcher --server-side=true", helm.Arguments);
    }

    [Fact]
    public void Repo_add_forces_update_and_gives_the_password_on_standard_input_not_the_command_line()
    {
        var helm = new HelmFixture();

        helm.Runner.RepoAdd("istio", "https://charts.example/istio", helm.Settings(new HelmRepoAddSettings { Username = "bot", Password = "s3cret" }));

        Assert.Equal("repo add istio \"https://charts.example/istio\" --force-update --username \"bot\" --password-stdin", helm.Arguments);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(helm.Processes.Last.Settings.StandardInput!.Value.Span));
        Assert.DoesNotContain(helm.Log.Lines, message => message.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Repo_add_without_a_password_leaves_standard_input_alone()
    {
        var helm = new HelmFixture();

        helm.Runner.RepoAdd("istio", "https://charts.example/istio", helm.Settings(new HelmRepoAddSettings()));

        Assert.Equal("repo add istio \"https://charts.example/istio\" --force-update", helm.Arguments);
        Assert.Null(helm.Processes.Last.Settings.StandardInput);
    }

    [Fact]
    public void Repo_update_names_the_repositories()
    {
        var helm = new HelmFixture();
        var settings = helm.Settings(new HelmRepoUpdateSettings());
        settings.Repositories.Add("istio");

        helm.Runner.RepoUpdate(settings);

        Assert.Equal("repo update istio", helm.Arguments);
    }

    [Fact]
    public void Template_returns_stdout()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("template", new FakeResponse(StandardOutput: "---\nkind: ConfigMap\n"));
        var settings = helm.Settings(new HelmTemplateSettings { Namespace = "demo", Version = "0.1.0", IncludeCrds = true, KubeVersion = "1.35.0" });
        settings.Values["replicas"] = "2";

        var manifests = helm.Runner.Template("demo", "/charts/demo", settings);

        Assert.Equal("---\nkind: ConfigMap", manifests);
        Assert.Equal("template demo \"/charts/demo\" --namespace demo --version \"0.1.0\" --set \"replicas=2\" --include-crds --kube-version 1.35.0", helm.Arguments);
        Assert.True(helm.Processes.Last.Settings.RedirectStandardOutput);
    }

    [Fact]
    public void ShowChart_asks_for_the_pinned_version()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("show", new FakeResponse(StandardOutput: "name: istiod\nversion: 1.31.1\n"));

        var chart = helm.Runner.ShowChart("oci://registry.example/istio/charts/istiod", helm.Settings(new HelmShowChartSettings { Version = "1.31.1" }));

        Assert.Equal("show chart \"oci://registry.example/istio/charts/istiod\" --version \"1.31.1\"", helm.Arguments);
        Assert.Contains("version: 1.31.1", chart);
    }

    [Fact]
    public void Version_parses_the_template_output()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("version", new FakeResponse(StandardOutput: "v4.1.4"));

        Assert.Equal(new Mesh.Build.Tools.ToolVersion(4, 1, 4), helm.Runner.Version(new HelmSettings()));
        Assert.Equal("version --template {{.Version}}", helm.Arguments);
    }

    [Fact]
    public void Aliases_run_through_the_context()
    {
        var helm = new HelmFixture(4);

        helm.Context.HelmUpgrade("demo", "/charts/demo", helm.Settings(new HelmUpgradeSettings { Namespace = "demo" }));

        Assert.Equal("upgrade --install demo \"/charts/demo\" --namespace demo --server-side=true", helm.Arguments);
    }
}
