using System.Text.Json.Nodes;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// A simulated cluster with the whole chain installed once, for tests that edit it and then look at what a
/// re-run or a plan says. Every test starts from a converged cluster (<see cref="Converge"/>).
/// </summary>
public sealed class ConvergedMesh : IAsyncLifetime
{
    private readonly string _reports = Directory.CreateTempSubdirectory("mesh-reports-").FullName;
    private int _runs;

    public SimulatedMesh Mesh { get; private set; } = null!;

    public PipelineRun First { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mesh = await SimulatedMesh.StartAsync();
        First = Mesh.Run();
    }

    /// <summary>Brings the cluster back to what the pipeline wants (after a test's edits), proving nothing.</summary>
    public void Converge()
    {
        var run = Mesh.Run("--proofs=off", "--access-log=true");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    /// <summary>A run with its report file, and every request it sent (reads too).</summary>
    public ReportedRun Run(params string[] args)
    {
        var report = Path.Combine(_reports, $"report-{++_runs}.json");
        var before = Mesh.Cluster.Requests.Records.Count;
        var run = Mesh.Run([.. args, $"--report={report}"]);
        var requests = Mesh.Cluster.Requests.Records.Skip(before).ToList();
        return new ReportedRun(run, File.Exists(report) ? JsonNode.Parse(File.ReadAllText(report))!.AsObject() : null, requests);
    }

    public async Task DisposeAsync()
    {
        await Mesh.DisposeAsync();
        Directory.Delete(_reports, recursive: true);
    }
}

/// <summary>One run: what it printed, its report, and the requests the cluster received.</summary>
public sealed record ReportedRun(PipelineRun Run, JsonObject? Report, IReadOnlyList<RequestRecord> Requests)
{
    public int ExitCode => Run.ExitCode;

    public string Output => Run.Output;

    /// <summary>Every request with a mutating verb, server-side dry runs included; the run's Lease (how runs take turns) aside.</summary>
    public IReadOnlyList<RequestRecord> Mutating => [.. Requests.Where(request => SimulatedMesh.HasMutatingVerb(request) && !SimulatedMesh.IsLease(request))];

    /// <summary>Every item of every task in the report, with its task.</summary>
    public IReadOnlyList<(string Task, string Kind, string Name, string Outcome, string Detail)> Items =>
        [.. (Report?["tasks"]?.AsArray() ?? [])
            .SelectMany(task => task!["items"]!.AsArray().Select(item => (
                (string)task["name"]!, (string)item!["kind"]!, (string)item["name"]!, (string)item["outcome"]!, (string)item["detail"]!)))];

    public string Describe(IEnumerable<RequestRecord> requests) =>
        string.Join(Environment.NewLine, requests.Select(request => $"{request.Verb} {request.Path}{request.Query}"));

    public override string ToString() => Run.ToString();
}

[CollectionDefinition(Name)]
public sealed class ConvergedMeshCollection : ICollectionFixture<ConvergedMesh>
{
    public const string Name = "converged mesh";
}
