using System.Runtime.InteropServices;
using Mesh.ClusterSimulator;

// dotnet run --project tests/ClusterSimulator -- --kubeconfig PATH [--request-log PATH]
// Starts the simulated API server, writes a kubeconfig for it and serves until SIGINT or SIGTERM;
// with --request-log, every request is appended to PATH as one JSON object per line.
var at = Array.IndexOf(args, "--kubeconfig");
if (at < 0 || at + 1 >= args.Length)
{
    Console.Error.WriteLine("usage: ClusterSimulator --kubeconfig PATH [--request-log PATH]");
    return 2;
}

var kubeconfig = Path.GetFullPath(args[at + 1]);
var logAt = Array.IndexOf(args, "--request-log");
if (logAt >= 0 && logAt + 1 >= args.Length)
{
    Console.Error.WriteLine("usage: ClusterSimulator --kubeconfig PATH [--request-log PATH]");
    return 2;
}

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var cluster = new SimulatedCluster();
if (logAt >= 0)
{
    cluster.Requests.FilePath = Path.GetFullPath(args[logAt + 1]);
}

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
