namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The first half of the chain, run once on a simulated cluster with DNS on (the in-memory provider needs
/// no credentials), then run again to see that a converged cluster is left alone.
/// </summary>
public sealed class InstalledIstio : IAsyncLifetime
{
    public const string Domain = "mesh.example.com";

    public SimulatedMesh Mesh { get; private set; } = null!;

    public PipelineRun First { get; private set; } = null!;

    public PipelineRun Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mesh = await SimulatedMesh.StartAsync();
        string[] args = ["--target=InstallIstio", "--dns-provider=inmemory", $"--domain={Domain}"];
        First = Mesh.Run(args);
        Second = Mesh.Run(args);
    }

    public async Task DisposeAsync() => await Mesh.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class InstalledIstioCollection : ICollectionFixture<InstalledIstio>
{
    public const string Name = "installed istio";
}
