namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The real kubectl against built-in kinds our pipeline does not write itself: server-side apply of a
/// manifest of them, short names and categories from discovery, deletion, and the answers to unknown
/// fields and wrong types under each <c>--validate</c> mode.
/// </summary>
public sealed class BuiltInKindsKubectlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private string Directory => Path.GetDirectoryName(fixture.KubeconfigPath)!;

    [Fact]
    public async Task A_manifest_of_built_in_kinds_is_applied_listed_by_short_name_and_deleted()
    {
        var ns = SimulatorFixture.UniqueName("kinds");
        var manifest = await FileAsync($"{ns}.yaml", $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{ns}}}}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 1
              maxReplicas: 3
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              minAvailable: 1
              selector: {matchLabels: {app: web}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
              - ports: [{port: http}, {port: 8080, protocol: TCP}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              rules:
              - host: web.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: web, port: {number: 80} } }
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              schedule: "*/5 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: run, image: busybox}]
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              hard: {pods: "10", requests.cpu: 500m}
            ---
            apiVersion: v1
            kind: LimitRange
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              limits: [{type: Container, default: {cpu: 100m, memory: 64Mi}}]
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: {{{ns}}}}
            value: 100
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: {{{ns}}}}
            provisioner: example.com/disk
            reclaimPolicy: Retain
            """);

        var apply = await KubectlAsync("apply", "--server-side", "-f", manifest);
        var shortNames = await KubectlAsync("get", "hpa,pdb,netpol,ing,cj,pvc,quota,limits", "-n", ns, "-o", "name");
        var clusterScoped = await KubectlAsync("get", $"pc/{ns}", $"sc/{ns}", "-o", "name");
        var all = await KubectlAsync("get", "all", "-n", ns, "-o", "name");
        var port = await KubectlAsync("get", "netpol", "web", "-n", ns, "-o", "jsonpath={.spec.ingress[0].ports[*].port}");
        // The simulator finalizes a namespace at once, so its objects may be gone before kubectl gets to them.
        var delete = await KubectlAsync("delete", "-f", manifest, "--ignore-not-found", "--wait=false");
        var gone = await KubectlAsync("get", $"sc/{ns}", "--ignore-not-found", "-o", "name");

        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("horizontalpodautoscaler.autoscaling/web serverside-applied", apply.Output);
        Assert.Contains("storageclass.storage.k8s.io/" + ns + " serverside-applied", apply.Output);
        Assert.True(shortNames.ExitCode == 0, shortNames.Output);
        Assert.Equal(
            ["horizontalpodautoscaler.autoscaling/web", "poddisruptionbudget.policy/web", "networkpolicy.networking.k8s.io/web", "ingress.networking.k8s.io/web",
             "cronjob.batch/web", "persistentvolumeclaim/web", "resourcequota/web", "limitrange/web"],
            shortNames.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(clusterScoped.ExitCode == 0, clusterScoped.Output);
        Assert.Contains($"priorityclass.scheduling.k8s.io/{ns}", clusterScoped.Output);
        Assert.Contains($"storageclass.storage.k8s.io/{ns}", clusterScoped.Output);
        // The category "all" takes in the autoscaler and the cron job, not the budget or the claim.
        Assert.True(all.ExitCode == 0, all.Output);
        Assert.Contains("horizontalpodautoscaler.autoscaling/web", all.Output);
        Assert.Contains("cronjob.batch/web", all.Output);
        Assert.DoesNotContain("persistentvolumeclaim", all.Output);
        Assert.Equal("http 8080", port.Output.Trim());
        Assert.True(delete.ExitCode == 0, delete.Output);
        Assert.Equal("", gone.Output.Trim());
    }

    [Fact]
    public async Task Validate_strict_refuses_an_unknown_field_warn_prints_a_warning_and_a_wrong_type_is_refused()
    {
        var ns = SimulatorFixture.UniqueName("validate");
        Assert.Equal(0, (await KubectlAsync("create", "namespace", ns)).ExitCode);
        var bogus = await FileAsync($"{ns}-bogus.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bogus\n  namespace: {ns}\nbogus: 1\ndata:\n  a: b\n");
        var wrong = await FileAsync($"{ns}-wrong.yaml", $$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: wrong, namespace: {{{ns}}}}
            spec:
              replicas: "two"
              selector: {matchLabels: {app: wrong}}
              template:
                metadata: {labels: {app: wrong}}
                spec: {containers: [{name: web, image: nginx}]}
            """);

        var strict = await KubectlAsync("apply", "--validate=strict", "-f", bogus);
        var strictServerSide = await KubectlAsync("apply", "--server-side", "--validate=strict", "-f", bogus);
        var warn = await KubectlAsync("apply", "--validate=warn", "-f", bogus);
        var wrongType = await KubectlAsync("apply", "-f", wrong);
        var wrongTypeServerSide = await KubectlAsync("apply", "--server-side", "-f", wrong);

        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("Error from server (BadRequest)", strict.Output);
        Assert.Contains("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\"", strict.Output);
        // Server-side apply converts to the typed object first: the real server's 500 for that.
        Assert.NotEqual(0, strictServerSide.ExitCode);
        Assert.Contains($"failed to create typed patch object ({ns}/bogus; /v1, Kind=ConfigMap): .bogus: field not declared in schema", strictServerSide.Output);
        Assert.True(warn.ExitCode == 0, warn.Output);
        Assert.Contains("Warning: unknown field \"bogus\"", warn.Output);
        Assert.Contains("configmap/bogus created", warn.Output);
        Assert.Null(fixture.Cluster.Store.Get(ObjectStore.Kind("ConfigMap"), ns, "bogus")["bogus"]);
        Assert.NotEqual(0, wrongType.ExitCode);
        Assert.Contains("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", wrongType.Output);
        Assert.NotEqual(0, wrongTypeServerSide.ExitCode);
        Assert.Contains(".spec.replicas: expected numeric (int or float), got string", wrongTypeServerSide.Output);
    }

    [Fact]
    public async Task Create_token_issues_a_token_for_the_namespace_default_service_account()
    {
        var ns = SimulatorFixture.UniqueName("token");
        Assert.Equal(0, (await KubectlAsync("create", "namespace", ns)).ExitCode);
        Assert.Equal(0, (await KubectlAsync("wait", "--for=create", "serviceaccount/default", "-n", ns, "--timeout=10s")).ExitCode);

        var token = await KubectlAsync("create", "token", "default", "-n", ns, "--duration=20m");

        Assert.True(token.ExitCode == 0, token.Output);
        Assert.Equal(3, token.Output.Trim().Split('.').Length);
    }

    private async Task<string> FileAsync(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments) =>
        RepoTools.RunAsync("kubectl", new Dictionary<string, string>(), ["--kubeconfig", fixture.KubeconfigPath, "--cache-dir", Path.Combine(Directory, "kube-cache"), .. arguments]);
}
