namespace Mesh.ClusterSimulator;

/// <summary>
/// How the simulated mesh behaves: Istio's sidecar injector, the sidecars, and the Prometheus add-on. Every
/// switch is on by default and read on every call, so a test may break one part of the mesh at any time
/// and see what a pipeline makes of it. A switch applies to the whole cluster, never to one workload.
/// </summary>
public sealed class MeshOptions
{
    /// <summary>
    /// The API server calls the sidecar-injection webhook when a pod is created. Off: as when istiod cannot
    /// be reached and the webhook lets pods through: every pod, dry runs included, is created without a proxy.
    /// </summary>
    public bool SidecarInjection { get; set; } = true;

    /// <summary>
    /// A sidecar whose effective PeerAuthentication on a port is STRICT resets plaintext connections. Off: as
    /// a proxy that does not enforce its policy, it answers plaintext callers as under PERMISSIVE.
    /// </summary>
    public bool StrictRefusesPlaintext { get; set; } = true;

    /// <summary>
    /// Two sidecars complete their mutual TLS handshake. Off: as with workload certificates from different
    /// roots, the handshake fails: the calling proxy answers 503 and the destination sees no request.
    /// </summary>
    public bool MutualTlsHandshake { get; set; } = true;

    /// <summary>
    /// A proxy image (<c>HUB/proxyv2:TAG</c>) whose sidecars fail every mutual TLS handshake, as a release with a
    /// broken TLS stack would: a call from or to such a sidecar fails as with <see cref="MutualTlsHandshake"/> off,
    /// while sidecars of other images go on. Null (the default): no image is broken. This is how a test makes one
    /// istiod revision's proxies fail and the other's work.
    /// </summary>
    public string? ProxyFailingMutualTls { get; set; }

    /// <summary>
    /// Prometheus scrapes the sidecars, so <c>istio_requests_total</c> has the requests they served. Off: as
    /// when it does not scrape the pods' metrics port, the metric has no series at all.
    /// </summary>
    public bool PrometheusScrapesSidecars { get; set; } = true;
}
