using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.Build;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>What one in-process run of the pipeline printed and returned, and the writes it made.</summary>
public sealed record PipelineRun(int ExitCode, string Output, IReadOnlyList<RequestRecord> Writes)
{
    /// <summary>The run's writes to its Lease (not counted in <see cref="Writes"/>).</summary>
    public IReadOnlyList<RequestRecord> LeaseWrites { get; init; } = [];

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Output}";
}

/// <summary>
/// A simulated cluster and the real pipeline pointed at it, with the fixture charts, as tests/rehearse.sh
/// does; assertions go through the real kubectl and helm, as a user would check.
/// </summary>
public sealed class SimulatedMesh : IAsyncDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mesh-e2e-").FullName;

    private SimulatedMesh(string chartDirectory)
    {
        Kubeconfig = Path.Combine(_scratch, "kubeconfig");
        ChartDirectory = chartDirectory;
    }

    /// <summary>Where the pipeline's run Lease lives.</summary>
    public const string LeasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";

    /// <summary>Whether a request has a mutating verb (a server-side dry run included).</summary>
    public static bool HasMutatingVerb(RequestRecord request) => request.Verb is "POST" or "PUT" or "PATCH" or "DELETE";

    public static bool IsDryRun(RequestRecord request) => request.Query.Contains("dryRun=All", StringComparison.Ordinal);

    /// <summary>Whether a request is to the run's Lease (how runs take turns), not to the mesh.</summary>
    public static bool IsLease(RequestRecord request) => request.Path.StartsWith(LeasePath, StringComparison.Ordinal);

    public static string RepositoryRoot { get; } = BuildContext.FindRepositoryRoot(AppContext.BaseDirectory);

    public SimulatedCluster Cluster { get; } = new();

    public string Kubeconfig { get; }

    /// <summary>The charts every run is given (<c>--chart-dir</c>): the fixture charts unless the mesh was started with others.</summary>
    public string ChartDirectory { get; }

    public static async Task<SimulatedMesh> StartAsync(string? chartDirectory = null)
    {
        var mesh = new SimulatedMesh(chartDirectory ?? Path.Combine(RepositoryRoot, "tests", "charts"));
        await mesh.Cluster.StartAsync();
        mesh.Cluster.WriteKubeconfig(mesh.Kubeconfig);
        return mesh;
    }

    /// <summary>Runs the pipeline with these arguments plus the cluster's kubeconfig and its <see cref="ChartDirectory"/>.</summary>
    public PipelineRun Run(params string[] args) => RunWith(null, args);

    /// <summary>As <see cref="Run"/>, with the pipeline reading GITHUB_ACTIONS and the like from <paramref name="variables"/>.</summary>
    public PipelineRun RunWith(IReadOnlyDictionary<string, string>? variables, params string[] args)
    {
        var before = Cluster.Requests.Records.Count;
        var (exitCode, output) = RunPipeline(_scratch, variables, [$"--kubeconfig={Kubeconfig}", $"--chart-dir={ChartDirectory}", .. args]);
        var writes = Cluster.Requests.Records.Skip(before)
            .Where(request => HasMutatingVerb(request) && !IsDryRun(request))
            .ToList();
        // The run's Lease (taken, renewed, given back) is how runs take turns, not a change to the mesh: kept apart.
        var lease = writes.Where(IsLease).ToList();
        return new PipelineRun(exitCode, output, [.. writes.Except(lease)]) { LeaseWrites = lease };
    }

    /// <summary>The real pipeline in-process with exactly these arguments (GITHUB_* of the test process unseen), from <paramref name="workingDirectory"/>: its exit code and output.</summary>
    public static (int ExitCode, string Output) RunPipeline(string workingDirectory, params string[] args) => RunPipeline(workingDirectory, null, args);

    /// <summary>The scratch directory runs work in: the report and junit.xml land in its artifacts/.</summary>
    public string WorkingDirectory => _scratch;

    private static (int ExitCode, string Output) RunPipeline(string workingDirectory, IReadOnlyDictionary<string, string>? variables, string[] args)
    {
        var output = new StringWriter();
        var current = Directory.GetCurrentDirectory();
        try
        {
            var exitCode = Pipeline.Create(RepositoryRoot, name => variables?.GetValueOrDefault(name)).UseConsole(output, output).UseWorkingDirectory(workingDirectory).Run(args);
            return (exitCode, output.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(current);
        }
    }

    /// <summary>
    /// What istiod does at run time (and before istio/istio#59367 did to the injector's default too): its own
    /// server-side apply of failurePolicy on its webhook, as field manager pilot-discovery.
    /// </summary>
    public void SetInjectorFailurePolicyAsPilotDiscovery(string failurePolicy)
    {
        var patch = Path.Combine(_scratch, "pilot-discovery.yaml");
        File.WriteAllText(patch, $"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: istio-sidecar-injector
            webhooks:
              - name: namespace.sidecar-injector.istio.io
                failurePolicy: {failurePolicy}
            """);
        Kubectl("apply", "--server-side", "--field-manager=pilot-discovery", "--force-conflicts", "-f", patch);
    }

    /// <summary>kubectl, the real binary, against this cluster; its stdout.</summary>
    public string Kubectl(params string[] args) => RunTool("kubectl", [.. args, $"--kubeconfig={Kubeconfig}"]);

    public JsonNode KubectlJson(params string[] args) => JsonNode.Parse(Kubectl([.. args, "-o", "json"]))!;

    /// <summary><c>kubectl apply -f</c> of this YAML or JSON, as a user would write it; kubectl's stdout.</summary>
    public string KubectlApply(string manifest)
    {
        var file = Path.Combine(_scratch, $"apply-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, manifest);
        try
        {
            return Kubectl("apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>helm, the real binary, against this cluster; its stdout.</summary>
    public string Helm(params string[] args) => RunTool("helm", [.. args, $"--kubeconfig={Kubeconfig}"]);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>A fixture chart (tests/charts/CHART) copied to <paramref name="to"/>, each file's text passed through <paramref name="rewrite"/>.</summary>
    public static void CopyFixtureChart(string chart, string to, Func<string, string>? rewrite = null)
    {
        var from = Path.Combine(RepositoryRoot, "tests", "charts", chart);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, rewrite is null ? File.ReadAllText(file) : rewrite(File.ReadAllText(file)));
        }
    }

    /// <summary>tools/bin/NAME (helm or kubectl), the real binary; its stdout, or an exception with its stderr.</summary>
    public static string RunTool(string name, params string[] args)
    {
        var path = Path.Combine(RepositoryRoot, "tools", "bin", name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run `./build.sh --target=InstallTools` first (.ci/run does).");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Result;
    }
}
