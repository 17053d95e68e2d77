namespace Mesh.ClusterSimulator;

/// <summary>What running a pod's containers to completion gave: its exit code and its log.</summary>
public sealed record PodRun(int ExitCode, string Log);
