namespace Mesh.Build.Settings;

/// <summary>Every setting the pipeline reads, with its default. The README's settings table mirrors this list.</summary>
public static class SettingsCatalog
{
    public static readonly string[] Dashboards = [.. Catalog.Components.All.Where(component => component.EnabledWhen == Catalog.EnabledWhen.Dashboard).Select(component => component.Id)];

    public static readonly string[] GatewayServiceTypes = ["LoadBalancer", "NodePort", "ClusterIP"];

    public static readonly string[] DnsProviders =
        ["none", "aws", "azure", "azure-private-dns", "cloudflare", "coredns", "digitalocean", "google", "inmemory", "rfc2136", "webhook"];

    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        new("kubeconfig", string.Empty, "kubeconfig file; empty means $KUBECONFIG (several files merged as kubectl merges them), then ~/.kube/config", Checks.ExistingFile(optional: true), IsPath: true),
        new("context", string.Empty, "kube context to use; empty means the kubeconfig's current context", Checks.Any),
        new("istio-version", "1.31.1", "Istio version; also the version of the base, istiod and gateway charts", Checks.SemanticVersion()),
        new("istio-revision", string.Empty, "istiod revision (e.g. 1-31-1); empty installs revision-less (upgrade-strategy=canary names it from istio-version)", Checks.DnsLabel(optional: true)),
        new("upgrade-strategy", "in-place", "how a new istio-version reaches the cluster: in-place (istiod upgraded where it runs) or canary (a revision beside the running one, a revision tag moved to it, promoted after the proofs or rolled back)", Checks.OneOf("in-place", "canary")),
        new("revision-tag", "prod", "with upgrade-strategy=canary: the revision tag our namespaces and the gateway select (istio.io/rev=TAG), moved from revision to revision", Checks.RevisionTag),
        new("chart-dir", string.Empty, "a directory holding every chart by name (air-gapped clusters, tests); overrides the repositories", Checks.ExistingDirectory(optional: true), IsPath: true),
        new("chart-repo-username", string.Empty, "user name for chart repositories that need one", Checks.Any),
        new("chart-repo-password", string.Empty, "password for chart repositories that need one", Checks.Any, IsSecret: true),
        .. ChartSource.Defaults.SelectMany(ChartSettings),
        new("domain", string.Empty, "DNS domain for the gateway hosts (mailhog.DOMAIN); empty uses NAME.GATEWAY-IP.sslip.io", Checks.DnsName(optional: true)),
        new("dns-provider", "none", $"external-dns provider: {string.Join(", ", DnsProviders)}", Checks.OneOf(DnsProviders)),
        new("dns-credentials-secret", string.Empty, "Secret (in the external-dns namespace) holding the provider's credentials", Checks.DnsLabel(optional: true)),
        new("dns-txt-owner-id", "istio-mesh", "TXT owner id marking the DNS records this cluster owns", Checks.DnsLabel()),
        new("dns-policy", "upsert-only", "external-dns policy: upsert-only, sync or create-only", Checks.OneOf("upsert-only", "sync", "create-only")),
        new("gateway-service-type", "LoadBalancer", "Service type of the ingress gateway: LoadBalancer, NodePort or ClusterIP", Checks.OneOf(GatewayServiceTypes)),
        new("tls-mode", "self-signed", "gateway certificate: self-signed (generated), existing-secret or cert-manager", Checks.OneOf("self-signed", "existing-secret", "cert-manager")),
        new("tls-secret", "mesh-gateway-tls", "name of the kubernetes.io/tls Secret the gateway serves (through SDS)", Checks.DnsLabel()),
        new("cert-manager-issuer", string.Empty, "cert-manager ClusterIssuer for tls-mode=cert-manager", Checks.DnsLabel(optional: true)),
        new("image-registry", string.Empty, "a registry mirroring the images we pin (MailHog or Mailpit, the curl probe, the pause image) and Istio's (its hub becomes REGISTRY/istio); empty pulls from their public registries", Checks.ImageRegistry),
        new("mail-server", "mailhog", "the test application: mailhog, or mailpit (its maintained successor)", Checks.OneOf("mailhog", "mailpit")),
        new("mailhog-namespace", "mailhog", "namespace of the test application, labelled for sidecar injection", Checks.DnsLabel()),
        new("mtls-mode", "STRICT", "PeerAuthentication mode: STRICT or PERMISSIVE", Checks.OneOf("STRICT", "PERMISSIVE")),
        new("mtls-scope", "mesh", "where the PeerAuthentication applies: mesh (istio-system) or namespace (the test application's)", Checks.OneOf("mesh", "namespace")),
        new("dashboards", string.Join(",", Dashboards), "dashboards to install and verify, comma-separated, or none", Checks.ListOf(Dashboards)),
        new("expose-dashboards", "false", "also route each dashboard through the gateway (DASHBOARD.DOMAIN)", Checks.Boolean),
        new("access-log", "true", "Envoy access logs on every proxy's stdout (kubectl logs POD -c istio-proxy); false turns them off", Checks.Boolean),
        new("tracing-sampling", "100", "percentage of requests traced (0-100)", Checks.Percentage),
        new("helm-timeout", "10m", "how long one helm install or upgrade may take", Checks.Duration),
        new("wait-timeout", "5m", "how long to wait for a resource to become ready", Checks.Duration),
        new("progress-interval", "10s", "how often a long wait (helm, a resource becoming ready) logs what it awaits, for how long and what it saw last (a terminal gets a live line instead)", Checks.Duration),
        new("lock-timeout", "5m", "how long to wait for another run on the same cluster to finish (its Lease kube-system/mesh-build) before failing", Checks.Duration),
        new("proofs", "always", "when tasks prove their result: always, on-change (the mTLS and traffic proofs only when the run changed something) or off", Checks.OneOf("always", "on-change", "off")),
        new("include-crds", "false", "Teardown also removes Istio's CRDs, and with them every Istio resource left in the cluster; false keeps them", Checks.Boolean),
        new("plan", "false", "compare what the run would install with the cluster and print the difference per task; changes nothing", Checks.Boolean),
        new("detailed-exitcode", "false", "with plan: exit 4 when something would change, 0 when nothing would", Checks.Boolean),
        new("report", "artifacts/report.json", "where the run's report (tasks, items and their outcomes) is written", Checks.Any, IsPath: true),
    ];

    public static SettingDefinition? Find(string key) =>
        All.FirstOrDefault(setting => setting.Key.Equals(key, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<SettingDefinition> ChartSettings(ChartSource chart) =>
    [
        new($"{chart.Id}-chart-repo", chart.Repository, $"repository of the {chart.Chart} chart (https URL or oci:// reference)", Checks.ChartRepository),
        new(
            $"{chart.Id}-chart-version",
            chart.Version,
            chart.Version.Length == 0 ? $"version of the {chart.Chart} chart; empty follows istio-version" : $"version of the {chart.Chart} chart",
            Checks.SemanticVersion(optional: chart.Version.Length == 0)),
        new($"{chart.Id}-values", string.Empty, $"a YAML values file merged over ours for the {chart.Chart} chart (maps merge, its values win)", Checks.ValuesFile, IsPath: true),
    ];
}
