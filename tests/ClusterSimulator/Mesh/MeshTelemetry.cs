namespace Mesh.ClusterSimulator;

/// <summary>
/// One HTTP call a probe made through the mesh, as the destination's proxy would report it.
/// <see cref="MutualTls"/>: both ends had proxies and the destination's mode on the port was not DISABLE.
/// </summary>
public sealed record ProbeCall(
    DateTimeOffset Time,
    string SourceWorkload,
    string SourceNamespace,
    bool SourceSidecar,
    string DestinationService,
    string DestinationNamespace,
    string? DestinationWorkload,
    bool DestinationSidecar,
    int ExitCode,
    int ResponseCode,
    bool MutualTls)
{

    /// <summary>A destination proxy saw an HTTP response go out: what <c>istio_requests_total</c> counts.</summary>
    public bool Reported => DestinationSidecar && ResponseCode > 0;
}

/// <summary>The calls probes made, in order.</summary>
public sealed class MeshTelemetry
{
    private readonly Lock _gate = new();
    private readonly List<ProbeCall> _calls = [];

    public void Record(ProbeCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    public IReadOnlyList<ProbeCall> Calls
    {
        get { lock (_gate) { return [.. _calls]; } }
    }
}
