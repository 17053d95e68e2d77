namespace Mesh.Build.Istio;

/// <summary>The mTLS mode one port of a workload accepts, and why.</summary>
/// <param name="Port">The workload's (container/target) port, as <c>portLevelMtls</c> keys it.</param>
/// <param name="Mode">STRICT, PERMISSIVE or DISABLE.</param>
/// <param name="Source">A port-level override of a named policy, or <c>inherited</c> from the workload's mode.</param>
public sealed record PortMtls(int Port, string Mode, string Source);

/// <summary>
/// The effective PeerAuthentication of one workload as Istio computes it (see <see cref="EffectiveMtls"/>).
/// </summary>
/// <param name="Mode">STRICT, PERMISSIVE or DISABLE; UNSET never appears, it is resolved from the parent level.</param>
/// <param name="Source">The deciding policy and its level (<c>mesh-wide policy istio-system/default</c>), or Istio's default.</param>
/// <param name="Ports">One entry per requested port, in the order asked.</param>
/// <param name="Warnings">Policies Istio ignores or shadows, so a reader can fix them; empty when all is clean.</param>
public sealed record MtlsResolution(string Mode, string Source, IReadOnlyList<PortMtls> Ports, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Log lines: the workload's mode and source, then one indented line per port. Warnings are not included,
    /// so the caller can log them at warning level.
    /// </summary>
    /// <param name="workload">How to name the workload, e.g. <c>mailhog/mailhog</c>.</param>
    public IReadOnlyList<string> Describe(string workload) =>
        [$"{workload}: {Mode} ({Source})", .. Ports.Select(port => $"  port {port.Port}: {port.Mode} ({port.Source})")];
}
