namespace Mesh.Build.Certificates;

/// <summary>
/// What the self-signed gateway certificate must be: the hosts it serves (each becomes a DNS subjectAltName), the key
/// type, how long a server certificate lives and how long before expiry it is renewed. Invalid values throw
/// <see cref="ArgumentException"/> here, before any key is generated.
/// </summary>
public sealed class GatewayCertificateRequest
{
    public static readonly TimeSpan DefaultServerValidity = TimeSpan.FromDays(365);
    public static readonly TimeSpan DefaultRenewBefore = TimeSpan.FromDays(30);

    // The CA lives 10 years; a server certificate must end well inside that, or the CA would be renewed on every run.
    private static readonly TimeSpan LongestServerValidity = TimeSpan.FromDays(5 * 365);

    // " CA" is appended, and a common name is at most 64 characters (RFC 5280, ub-common-name).
    private const int LongestCaName = 61;

    public GatewayCertificateRequest(
        IReadOnlyList<string> hosts,
        KeyAlgorithm key = KeyAlgorithm.EcdsaP256,
        TimeSpan? serverValidity = null,
        TimeSpan? renewBefore = null,
        string caName = "istio-mesh gateway")
    {
        Hosts = HostNames.Validate(hosts, nameof(hosts));
        if (!Enum.IsDefined(key))
        {
            throw new ArgumentException($"Key algorithm {(int)key} is not one of {string.Join(", ", Enum.GetNames<KeyAlgorithm>())}.", nameof(key));
        }

        Key = key;
        ServerValidity = serverValidity ?? DefaultServerValidity;
        RenewBefore = renewBefore ?? DefaultRenewBefore;
        if (ServerValidity <= TimeSpan.Zero || ServerValidity > LongestServerValidity)
        {
            throw new ArgumentException(
                $"A server certificate validity of {ServerValidity.TotalDays:0.##} days is out of range: use more than 0 and at most {LongestServerValidity.TotalDays:0} days (the CA lives 10 years).",
                nameof(serverValidity));
        }

        if (RenewBefore <= TimeSpan.Zero || RenewBefore >= ServerValidity)
        {
            throw new ArgumentException(
                $"A renewal window of {RenewBefore.TotalDays:0.##} days does not fit a validity of {ServerValidity.TotalDays:0.##} days: it must be positive and shorter, or every run would renew the certificate.",
                nameof(renewBefore));
        }

        if (string.IsNullOrWhiteSpace(caName) || caName.Length > LongestCaName)
        {
            throw new ArgumentException($"The CA name '{caName}' must be 1 to {LongestCaName} characters; it becomes the CA's common name '<name> CA'.", nameof(caName));
        }

        CaName = caName;
    }

    /// <summary>The distinct hosts, in the order given; the first is the server certificate's common name.</summary>
    public IReadOnlyList<string> Hosts { get; }

    public KeyAlgorithm Key { get; }

    public TimeSpan ServerValidity { get; }

    /// <summary>A server certificate expiring within this window is renewed.</summary>
    public TimeSpan RenewBefore { get; }

    /// <summary>The CA's subject is <c>CN=&lt;CaName&gt; CA, O=istio-mesh pipeline</c>.</summary>
    public string CaName { get; }
}
