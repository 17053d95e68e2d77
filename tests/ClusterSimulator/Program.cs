using System.Runtime.InteropServices;
using Mesh.ClusterSimulator;

// dotnet run --project tests/ClusterSimulator -- --kubeconfig PATH
// Starts the simulated API server, writes a kubeconfig for it and serves until SIGINT or SIGTERM.
var at = Array.IndexOf(args, "--kubeconfig");
if (at < 0 || at + 1 >= args.Length)
{
    Console.Error.WriteLine("usage: ClusterSimulator --kubeconfig PATH");
    return 2;
}

var kubeconfig = Path.GetFullPath(args[at + 1]);
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var cluster = new SimulatedCluster();
await cluster.StartAsync();
cluster.WriteKubeconfig(kubeconfig);
Console.WriteLine($"simulated API server ready at {cluster.Url} (kubeconfig {kubeconfig})");

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

Console.WriteLine("simulated API server stopped");
return 0;
