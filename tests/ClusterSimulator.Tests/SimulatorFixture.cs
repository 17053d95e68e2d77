namespace Mesh.ClusterSimulator.Tests;

/// <summary>One simulated API server per test class, with its kubeconfig written to a temporary file.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-sim-").FullName;

    public SimulatedCluster Cluster { get; } = new();

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    public async Task InitializeAsync()
    {
        await Cluster.StartAsync();
        Cluster.WriteKubeconfig(KubeconfigPath);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A fresh name, so tests sharing one server never see each other's objects.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
