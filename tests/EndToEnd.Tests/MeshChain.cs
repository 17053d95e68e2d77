namespace Mesh.EndToEnd.Tests;

/// <summary>The whole chain (the default target) on a simulated cluster, twice: built, then converged.</summary>
public sealed class MeshChain : IAsyncLifetime
{
    public SimulatedMesh Mesh { get; private set; } = null!;

    public PipelineRun First { get; private set; } = null!;

    public PipelineRun Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mesh = await SimulatedMesh.StartAsync();
        First = Mesh.Run();
        Second = Mesh.Run();
    }

    public async Task DisposeAsync() => await Mesh.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class MeshChainCollection : ICollectionFixture<MeshChain>
{
    public const string Name = "mesh chain";
}
