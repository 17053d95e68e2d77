using System.Globalization;

namespace Mesh.Build.Settings;

public enum TlsMode { SelfSigned, ExistingSecret, CertManager }

public enum MtlsMode { Strict, Permissive }

public enum MtlsScope { Mesh, Namespace }

public enum MailServer { MailHog, Mailpit }

public enum Proofs { Always, OnChange, Off }

public enum UpgradeStrategy { InPlace, Canary }

/// <summary>
/// The effective, validated settings, typed. Built only by <see cref="SettingsLoader"/>, so every value here
/// has passed its check; tasks read these and never parse anything themselves.
/// </summary>
public sealed class MeshSettings
{
    internal MeshSettings(IReadOnlyDictionary<string, SettingValue> values)
    {
        Values = values;
        string Get(string key) => values[key].Value;
        string? Optional(string key) => Get(key) is { Length: > 0 } value ? value : null;

        Kubeconfig = Optional("kubeconfig");
        Context = Optional("context");
        IstioVersion = Get("istio-version").TrimStart('v');
        UpgradeStrategy = ParseEnum<UpgradeStrategy>(Get("upgrade-strategy"));
        RevisionTag = UpgradeStrategy == UpgradeStrategy.Canary ? Get("revision-tag") : null;
        IstioRevision = UpgradeStrategy == UpgradeStrategy.Canary ? Istio.MeshLayout.RevisionOf(IstioVersion) : Optional("istio-revision");
        ChartDirectory = Optional("chart-dir");
        ChartRepositoryUsername = Optional("chart-repo-username");
        ChartRepositoryPassword = Optional("chart-repo-password");
        Charts = ChartSource.Defaults.ToDictionary(
            chart => chart.Id,
            chart => chart with
            {
                Repository = Get($"{chart.Id}-chart-repo"),
                Version = Optional($"{chart.Id}-chart-version")?.TrimStart('v') ?? IstioVersion,
            });
        ValuesOverlays = ChartSource.Defaults
            .Where(chart => Optional($"{chart.Id}-values") is not null)
            .ToDictionary(chart => chart.Id, chart => Get($"{chart.Id}-values"));
        ImageRegistry = Optional("image-registry");
        Domain = Optional("domain");
        DnsProvider = Get("dns-provider").ToLowerInvariant();
        DnsCredentialsSecret = Optional("dns-credentials-secret");
        DnsTxtOwnerId = Get("dns-txt-owner-id");
        DnsPolicy = Get("dns-policy").ToLowerInvariant();
        GatewayServiceType = SettingsCatalog.GatewayServiceTypes.First(type => type.Equals(Get("gateway-service-type"), StringComparison.OrdinalIgnoreCase));
        TlsMode = ParseEnum<TlsMode>(Get("tls-mode"));
        TlsSecret = Get("tls-secret");
        CertManagerIssuer = Optional("cert-manager-issuer");
        MailServer = ParseEnum<MailServer>(Get("mail-server"));
        MailHogNamespace = Get("mailhog-namespace");
        MtlsMode = ParseEnum<MtlsMode>(Get("mtls-mode"));
        MtlsScope = ParseEnum<MtlsScope>(Get("mtls-scope"));
        Dashboards = Checks.SplitList(Get("dashboards")).Select(name => name.ToLowerInvariant()).Distinct().ToList();
        ExposeDashboards = bool.Parse(Get("expose-dashboards"));
        AccessLog = bool.Parse(Get("access-log"));
        TracingSampling = double.Parse(Get("tracing-sampling"), CultureInfo.InvariantCulture);
        Checks.TryParseDuration(Get("helm-timeout"), out var helmTimeout);
        HelmTimeout = helmTimeout;
        Checks.TryParseDuration(Get("wait-timeout"), out var waitTimeout);
        WaitTimeout = waitTimeout;
        Checks.TryParseDuration(Get("progress-interval"), out var progressInterval);
        ProgressInterval = progressInterval;
        Checks.TryParseDuration(Get("lock-timeout"), out var lockTimeout);
        LockTimeout = lockTimeout;
        Proofs = ParseEnum<Proofs>(Get("proofs"));
        IncludeCrds = bool.Parse(Get("include-crds"));
        Plan = bool.Parse(Get("plan"));
        DetailedExitCode = bool.Parse(Get("detailed-exitcode"));
        Report = Get("report");
    }

    /// <summary>Envoy access logs on every proxy's stdout.</summary>
    public bool AccessLog { get; }

    /// <summary>When tasks prove their result (the <c>proofs</c> setting).</summary>
    public Proofs Proofs { get; }

    /// <summary>Plan only: compare and print, change nothing.</summary>
    public bool Plan { get; }

    /// <summary>With <see cref="Plan"/>: exit 4 when something would change.</summary>
    public bool DetailedExitCode { get; }

    /// <summary>The report file of the run, absolute.</summary>
    public string Report { get; }

    /// <summary>Every setting's effective value and where it came from, for <c>--print-settings</c>.</summary>
    public IReadOnlyDictionary<string, SettingValue> Values { get; }

    public string? Kubeconfig { get; }

    public string? Context { get; }

    public string IstioVersion { get; }

    /// <summary>The istiod revision this run installs: istio-revision, or with the canary strategy named from istio-version; null for revision-less.</summary>
    public string? IstioRevision { get; }

    public UpgradeStrategy UpgradeStrategy { get; }

    /// <summary>With the canary strategy, the revision tag our namespaces and the gateway select; null otherwise.</summary>
    public string? RevisionTag { get; }

    /// <summary>What our namespaces and the gateway's pods select with <c>istio.io/rev</c>: the tag, else the revision (null: the default injector).</summary>
    public string? InjectionRevision => RevisionTag ?? IstioRevision;

    public string? ChartDirectory { get; }

    public string? ChartRepositoryUsername { get; }

    public string? ChartRepositoryPassword { get; }

    /// <summary>The effective source of each chart, by <see cref="ChartSource.Id"/>.</summary>
    public IReadOnlyDictionary<string, ChartSource> Charts { get; }

    /// <summary>Per chart id, a values file of the user's merged over ours (the <c>ID-values</c> settings).</summary>
    public IReadOnlyDictionary<string, string> ValuesOverlays { get; }

    /// <summary>The registry mirroring our pinned images and Istio's, or null for their public registries.</summary>
    public string? ImageRegistry { get; }

    /// <summary>
    /// An image we pin, from <see cref="ImageRegistry"/> when one is set: <c>curlimages/curl:8.11.1</c> becomes
    /// <c>REGISTRY/curlimages/curl:8.11.1</c>, <c>registry.k8s.io/pause:3.10</c> becomes <c>REGISTRY/pause:3.10</c>.
    /// </summary>
    public string Image(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (ImageRegistry is null)
        {
            return reference;
        }

        var first = reference.Split('/')[0];
        var path = reference.Contains('/', StringComparison.Ordinal) && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            ? reference[(first.Length + 1)..]
            : reference;
        return $"{ImageRegistry}/{path}";
    }

    public string? Domain { get; }

    public string DnsProvider { get; }

    public bool DnsEnabled => DnsProvider != "none";

    /// <summary>Whether a run installs the component: external-dns only with a DNS provider, a dashboard only when switched on.</summary>
    public bool Installs(Catalog.Component component)
    {
        ArgumentNullException.ThrowIfNull(component);
        return component.EnabledWhen switch
        {
            Catalog.EnabledWhen.DnsProvider => DnsEnabled,
            Catalog.EnabledWhen.Dashboard => Dashboards.Contains(component.Id),
            _ => true,
        };
    }

    public string? DnsCredentialsSecret { get; }

    public string DnsTxtOwnerId { get; }

    public string DnsPolicy { get; }

    public string GatewayServiceType { get; }

    public TlsMode TlsMode { get; }

    public string TlsSecret { get; }

    public string? CertManagerIssuer { get; }

    public MailServer MailServer { get; }

    public string MailHogNamespace { get; }

    public MtlsMode MtlsMode { get; }

    public MtlsScope MtlsScope { get; }

    public IReadOnlyList<string> Dashboards { get; }

    public bool ExposeDashboards { get; }

    public double TracingSampling { get; }

    public TimeSpan HelmTimeout { get; }

    public TimeSpan WaitTimeout { get; }

    public TimeSpan ProgressInterval { get; }

    /// <summary>How long a run waits for another run's Lease on the cluster before it fails.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>Teardown also removes Istio's CRDs (and so every Istio resource left in the cluster).</summary>
    public bool IncludeCrds { get; }

    /// <summary>The settings as a table of key, value and source; secrets show as "(redacted)".</summary>
    /// <param name="unset">for a setting not set, what will be used instead and why (the kubeconfig file found), or null.</param>
    public string Describe(Func<string, SettingValue?>? unset = null)
    {
        var keyWidth = SettingsCatalog.All.Max(setting => setting.Key.Length) + 2;
        var rows = SettingsCatalog.All.Select(setting =>
        {
            var (value, source) = Values[setting.Key] is { Value.Length: 0 } empty && unset?.Invoke(setting.Key) is { } instead ? instead : Values[setting.Key];
            var shown = setting.IsSecret && value.Length > 0 ? "(redacted)" : value.Length == 0 ? "(not set)" : value;
            return (setting.Key, shown, source);
        }).ToList();
        var valueWidth = Math.Min(60, rows.Max(row => row.shown.Length)) + 2;
        return string.Join(
            Environment.NewLine,
            rows.Select(row => $"{row.Key.PadRight(keyWidth)}{row.shown.PadRight(valueWidth)}{row.source}").Prepend($"{"setting".PadRight(keyWidth)}{"value".PadRight(valueWidth)}source"));
    }

    private static T ParseEnum<T>(string value)
        where T : struct, Enum => Enum.Parse<T>(value.Replace("-", string.Empty), ignoreCase: true);
}
