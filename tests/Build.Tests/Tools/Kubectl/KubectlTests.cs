using Cake.Core.IO;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tests.Tools.Kubectl;

public sealed class KubectlTests
{
    // Real output of `kubectl version --client -o json` from the pinned kubectl.
    private const string ClientVersionJson = """
        {
          "clientVersion": {
            "major": "1",
            "minor": "35",
            "gitVersion": "v1.35.2",
            "gitCommit": "fdc9d74cbf2da6754ebf81d56f80ae2948cd6425",
            "gitTreeState": "clean",
            "buildDate": "2026-02-26T20:05:34Z",
            "goVersion": "go1.25.7",
            "compiler": "gc",
            "platform": "linux/amd64"
          },
          "kustomizeVersion": "v5.7.1"
        }
        """;

    private const string ClientAndServerVersionJson = """
        {"clientVersion":{"major":"1","minor":"32+","gitVersion":"v1.32.4-dispatcher","platform":"linux/amd64"},
         "kustomizeVersion":"v5.5.0",
         "serverVersion":{"major":"1","minor":"34","gitVersion":"v1.34.1","platform":"linux/amd64"}}
        """;

    private readonly FakeProcessRunner _processes = new();
    private readonly KubectlRunner _kubectl;

    public KubectlTests()
    {
        var context = new TestCakeContext(_processes, new FakeLog(), new FakeToolLocator());
        _kubectl = new KubectlRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log);
    }

    private string Arguments => _processes.Last.Arguments;

    [Fact]
    public void Apply_defaults_to_server_side_with_our_field_manager()
    {
        var settings = new KubectlApplySettings();
        settings.Files.Add(new FilePath("/repo/manifests/gateway.yaml"));

        _kubectl.Apply(settings);

        Assert.Equal("apply -f \"/repo/manifests/gateway.yaml\" --server-side --field-manager=mesh-build", Arguments);
    }

    [Fact]
    public void Apply_with_global_flags_force_conflicts_and_server_dry_run()
    {
        var settings = new KubectlApplySettings
        {
            KubeConfig = new FilePath("/tmp/kubeconfig"),
            Context = "kind-mesh",
            Namespace = "mailhog",
            ForceConflicts = true,
            DryRun = KubectlDryRun.Server,
            Recursive = true,
        };
        settings.Files.Add(new FilePath("/repo/manifests/mailhog"));
        settings.Files.Add(new FilePath("/repo/manifests/peer-authentication.yaml"));

        _kubectl.Apply(settings);

        Assert.Equal(
            "apply --kubeconfig=\"/tmp/kubeconfig\" --context=\"kind-mesh\" --namespace=mailhog "
            + "-f \"/repo/manifests/mailhog\" -f \"/repo/manifests/peer-authentication.yaml\" --recursive "
            + "--server-side --field-manager=mesh-build --force-conflicts --dry-run=server",
            Arguments);
    }

    [Fact]
    public void Apply_client_side_without_field_manager()
    {
        var settings = new KubectlApplySettings { ServerSide = false, FieldManager = null, DryRun = KubectlDryRun.Client };
        settings.Files.Add(new FilePath("/m.yaml"));

        _kubectl.Apply(settings);

        Assert.Equal("apply -f \"/m.yaml\" --dry-run=client", Arguments);
    }

    [Fact]
    public void Apply_without_files_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _kubectl.Apply(new KubectlApplySettings()));
    }

    [Fact]
    public void Get_returns_the_parsed_json()
    {
        _processes.Answer("get", new FakeResponse(StandardOutput: """{"kind":"Deployment","metadata":{"name":"istiod"},"status":{"availableReplicas":1}}"""));

        var deployment = _kubectl.Get("deployment", "istiod", new KubectlGetSettings { Namespace = "istio-system" });

        Assert.Equal("get deployment istiod --namespace=istio-system -o json", Arguments);
        Assert.Equal(1, deployment!["status"]!["availableReplicas"]!.GetValue<int>());
    }

    [Fact]
    public void Names_lists_objects_without_their_contents()
    {
        _processes.Answer("get", new FakeResponse(StandardOutput: "secret/route53\n"));

        var names = _kubectl.Names("secret", "route53", new KubectlGetSettings { Namespace = "external-dns", IgnoreNotFound = true });

        Assert.Equal("get secret route53 --namespace=external-dns --ignore-not-found -o name", Arguments);
        Assert.Equal(["secret/route53"], names);
    }

    [Fact]
    public void GetRaw_asks_a_service_proxy_path()
    {
        _processes.Answer("get", new FakeResponse(StandardOutput: "Prometheus Server is Ready."));

        var body = _kubectl.GetRaw("/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/-/ready", new KubectlSettings { Context = "kind-mesh" });

        Assert.Equal("get --raw \"/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/-/ready\" --context=\"kind-mesh\"", Arguments);
        Assert.Equal("Prometheus Server is Ready.", body);
    }

    [Fact]
    public void Logs_of_a_job_names_the_container()
    {
        _kubectl.Logs("job/mtls-probe-outside", new KubectlLogsSettings { Namespace = "mailhog", Container = "probe" });

        Assert.Equal("logs job/mtls-probe-outside --namespace=mailhog --container=probe", Arguments);
    }

    [Fact]
    public void Apply_as_a_server_dry_run_prints_what_admission_returned()
    {
        var settings = new KubectlApplySettings { DryRun = KubectlDryRun.Server, Output = "json" };
        settings.Files.Add(new FilePath("/tmp/pod.json"));

        _kubectl.Apply(settings);

        Assert.Equal("apply -f \"/tmp/pod.json\" --server-side --field-manager=mesh-build --dry-run=server -o json", Arguments);
    }

    [Fact]
    public void Get_a_missing_object_with_ignore_not_found_is_null()
    {
        var result = _kubectl.Get("secret", "gateway-tls", new KubectlGetSettings { IgnoreNotFound = true, Selector = "app=x", AllNamespaces = true });

        Assert.Null(result);
        Assert.Equal("get secret gateway-tls --all-namespaces --selector=\"app=x\" --ignore-not-found -o json", Arguments);
    }

    [Fact]
    public void Wait_for_a_condition_with_a_timeout()
    {
        _kubectl.Wait("crd", new KubectlWaitSettings { For = "condition=Established", All = true, Selector = "app.kubernetes.io/part-of=istio", Timeout = TimeSpan.FromMinutes(2) });

        Assert.Equal("wait crd --all --selector=\"app.kubernetes.io/part-of=istio\" --for=\"condition=Established\" --timeout=120s", Arguments);
    }

    [Fact]
    public void Rollout_status()
    {
        _kubectl.RolloutStatus("deployment/istiod", new KubectlRolloutStatusSettings { Namespace = "istio-system", Timeout = TimeSpan.FromSeconds(300) });

        Assert.Equal("rollout status deployment/istiod --namespace=istio-system --timeout=300s", Arguments);
    }

    [Fact]
    public void Delete_named_objects_or_files()
    {
        _kubectl.Delete("peerauthentication", ["default"], new KubectlDeleteSettings { Namespace = "istio-system" });
        Assert.Equal("delete peerauthentication default --namespace=istio-system --ignore-not-found", Arguments);

        var settings = new KubectlDeleteSettings { IgnoreNotFound = false, Wait = false, Timeout = TimeSpan.FromSeconds(30) };
        settings.Files.Add(new FilePath("/repo/manifests/mailhog.yaml"));
        _kubectl.Delete(null, [], settings);
        Assert.Equal("delete -f \"/repo/manifests/mailhog.yaml\" --wait=false --timeout=30s", Arguments);
    }

    [Fact]
    public void Client_version_parses_real_output()
    {
        _processes.Answer("version", new FakeResponse(StandardOutput: ClientVersionJson));

        var version = _kubectl.Version(new KubectlVersionSettings { ClientOnly = true });

        Assert.Equal("version --client -o json", Arguments);
        Assert.Equal(new ToolVersion(1, 35, 2), version.Client);
        Assert.Equal("v1.35.2", version.ClientGitVersion);
        Assert.Null(version.Server);
    }

    [Fact]
    public void Server_version_is_read_from_git_version_not_the_decorated_minor()
    {
        _processes.Answer("version", new FakeResponse(StandardOutput: ClientAndServerVersionJson));

        var version = _kubectl.Version(new KubectlVersionSettings { Context = "kind-mesh" });

        Assert.Equal("version --context=\"kind-mesh\" -o json", Arguments);
        Assert.Equal(new ToolVersion(1, 32, 4), version.Client);
        Assert.Equal(new ToolVersion(1, 34, 1), version.Server);
    }

    [Fact]
    public void Current_context_is_trimmed()
    {
        _processes.Answer("config", new FakeResponse(StandardOutput: "kind-mesh\n"));

        Assert.Equal("kind-mesh", _kubectl.CurrentContext(new KubectlSettings { KubeConfig = new FilePath("/tmp/kc") }));
        Assert.Equal("config current-context --kubeconfig=\"/tmp/kc\"", Arguments);
    }

    [Fact]
    public void Aliases_run_through_the_context()
    {
        var context = new TestCakeContext(_processes, new FakeLog(), new FakeToolLocator());

        context.KubectlRolloutStatus("deployment/mailhog", new KubectlRolloutStatusSettings { Namespace = "mailhog" });

        Assert.Equal("rollout status deployment/mailhog --namespace=mailhog", Arguments);
        Assert.EndsWith("/kubectl", _processes.Last.Path.FullPath, StringComparison.Ordinal);
    }
}
