using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Certificates;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

[TaskName("ConfigureGateway")]
[IsDependentOn(typeof(InstallIstio))]
[TaskDescription("Gives the gateway its certificate (self-signed, an existing Secret or cert-manager) through SDS, and an Istio Gateway serving HTTPS with HTTP redirected")]
public sealed class ConfigureGateway : AsyncFrostingTask<BuildContext>
{
    /// <summary>The self-signed CA (key ca.crt) that clients trust to reach the gateway's hosts.</summary>
    public const string CaSecret = "mesh-gateway-ca";
    private const string CertificateCrd = "certificates.cert-manager.io";

    // How long the gateway gets to present our certificate (less when wait-timeout is).
    private static readonly TimeSpan HandshakePatience = TimeSpan.FromSeconds(30);

    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var hosts = await context.GatewayHostsAsync();
        context.Log.Information("gateway hosts: {0}", string.Join(", ", hosts.All));
        if (!settings.DnsEnabled)
        {
            context.Log.Information(settings.Domain is null
                ? "dns-provider=none: nobody creates DNS records; the sslip.io names above resolve to the gateway's address by themselves"
                : $"dns-provider=none: nobody creates DNS records for these names; point them at the gateway ({hosts.Gateway.Address ?? hosts.Gateway.How}) yourself, or set dns-provider so external-dns does");
        }

        var values = new Dictionary<string, object?>
        {
            ["gateway-namespace"] = MeshLayout.GatewayNamespace,
            ["istio-namespace"] = MeshLayout.IstioNamespace,
            ["tls-secret"] = settings.TlsSecret,
            ["ca-secret"] = CaSecret,
            ["hosts"] = hosts.All,
            ["issuer"] = settings.CertManagerIssuer,
        };

        var certificate = settings.TlsMode switch
        {
            TlsMode.SelfSigned => await ConvergeSelfSignedAsync(context, hosts, values),
            TlsMode.ExistingSecret => await CheckExistingSecretAsync(context, hosts),
            _ => await RequestFromCertManagerAsync(context, values),
        };

        await context.Objects.ConvergeManifestAsync("gateway/gateway.yaml", values);
        foreach (var (id, host) in hosts.Dashboards)
        {
            var dashboard = Dashboard.All.Single(candidate => candidate.Id == id);
            await context.Objects.ConvergeManifestAsync("gateway/dashboard-virtualservice.yaml", new Dictionary<string, object?>(values)
            {
                ["name"] = dashboard.Id,
                ["host"] = host,
                ["gateway"] = $"{MeshLayout.GatewayNamespace}/mesh-gateway",
                ["service"] = dashboard.Service,
                ["port"] = dashboard.UiPort,
            });
        }

        if (certificate is not null)
        {
            await context.Proofs.RunAsync("the gateway serves our certificate", ProofCost.ReadOnly, () => CheckHandshakeAsync(context, hosts, certificate));
        }
    }

    /// <summary>Keeps the CA and server certificate across runs; issues new ones only when missing, changed or close to expiry.</summary>
    private static async Task<X509Certificate2> ConvergeSelfSignedAsync(BuildContext context, GatewayHosts hosts, Dictionary<string, object?> values)
    {
        var caSecret = await ReadSecretAsync(context, CaSecret);
        var tlsSecret = await ReadSecretAsync(context, context.Settings.TlsSecret);
        var plan = GatewayCertificates.Plan(
            new GatewayCertificateRequest(hosts.All),
            caSecret is null ? null : new PemPair(Field(caSecret, "ca.crt"), Field(caSecret, "ca.key")),
            tlsSecret is null ? null : new PemPair(Field(tlsSecret, "tls.crt"), Field(tlsSecret, "tls.key")),
            DateTimeOffset.UtcNow);
        context.Log.Information("gateway CA: {0}", plan.CaReason);
        context.Log.Information("gateway certificate: {0}", plan.ServerReason);

        values["ca-crt"] = Base64(plan.Ca.CertificatePem);
        values["ca-key"] = Base64(plan.Ca.PrivateKeyPem);
        values["tls-crt"] = Base64(plan.TlsCertificatePem);
        values["tls-key"] = Base64(plan.Server.PrivateKeyPem);
        await context.Objects.ConvergeManifestAsync("gateway/ca-secret.yaml", values);
        await context.Objects.ConvergeManifestAsync("gateway/tls-secret.yaml", values);
        return X509Certificate2.CreateFromPem(plan.Server.CertificatePem);
    }

    private static async Task<X509Certificate2> CheckExistingSecretAsync(BuildContext context, GatewayHosts hosts)
    {
        var name = context.Settings.TlsSecret;
        var secret = await ReadSecretAsync(context, name)
            ?? throw new InvalidOperationException(
                $"ConfigureGateway: tls-mode is existing-secret but the Secret '{name}' (tls-secret) does not exist in {MeshLayout.GatewayNamespace}, where the gateway reads it. " +
                $"Create it: `kubectl create secret tls {name} -n {MeshLayout.GatewayNamespace} --cert=CERT.pem --key=KEY.pem`.");
        if ((string?)secret["type"] != "kubernetes.io/tls")
        {
            throw new InvalidOperationException($"ConfigureGateway: the Secret {MeshLayout.GatewayNamespace}/{name} is of type {(string?)secret["type"]}; the gateway needs kubernetes.io/tls (tls.crt and tls.key).");
        }

        var check = TlsSecretCheck.Validate(Field(secret, "tls.crt"), Field(secret, "tls.key"), hosts.All, DateTimeOffset.UtcNow);
        foreach (var warning in check.Warnings)
        {
            context.Log.Warning("{0}/{1}: {2}", MeshLayout.GatewayNamespace, name, warning);
        }

        if (!check.IsUsable)
        {
            throw new InvalidOperationException($"ConfigureGateway: the Secret {MeshLayout.GatewayNamespace}/{name} cannot serve the gateway:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", check.Problems)}");
        }

        context.Log.Information("{0}/{1}: a valid kubernetes.io/tls pair covering {2}", MeshLayout.GatewayNamespace, name, string.Join(", ", hosts.All));
        return X509Certificate2.CreateFromPem(Field(secret, "tls.crt"));
    }

    /// <summary>Null in a plan: cert-manager issues the certificate only once the run asks it to.</summary>
    private static async Task<X509Certificate2?> RequestFromCertManagerAsync(BuildContext context, Dictionary<string, object?> values)
    {
        if (await context.Cluster.GetAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", CertificateCrd, null) is null)
        {
            throw new InvalidOperationException(
                $"ConfigureGateway: tls-mode is cert-manager but cert-manager is not installed (no {CertificateCrd} CRD). " +
                "Install it (its chart with crds.enabled=true) and a ClusterIssuer, or use tls-mode=self-signed.");
        }

        await context.Objects.ConvergeManifestAsync("gateway/certificate.yaml", values);
        if (context.Settings.Plan)
        {
            return null;
        }

        var name = context.Settings.TlsSecret;
        await context.Cluster.WaitAsync("cert-manager.io/v1", "Certificate", name, MeshLayout.GatewayNamespace, "Ready", certificate =>
            (string?)Workloads.Condition(certificate, "Ready")?["status"] == "True"
                ? WaitState.Ready("Ready")
                : WaitState.Pending((string?)Workloads.Condition(certificate, "Ready")?["message"] ?? "no Ready condition yet"), context.Settings.WaitTimeout);
        context.Log.Information("cert-manager issued {0}/{1} with ClusterIssuer {2}", MeshLayout.GatewayNamespace, name, context.Settings.CertManagerIssuer);
        var secret = await ReadSecretAsync(context, name) ?? throw new InvalidOperationException($"ConfigureGateway: cert-manager reports {name} Ready but the Secret is missing.");
        return X509Certificate2.CreateFromPem(Field(secret, "tls.crt"));
    }

    /// <summary>
    /// Where this machine reaches the gateway, it must present our certificate for the test application's host.
    /// A gateway that is not reachable from here (no address, no route, a timeout) cannot be judged: the check
    /// is skipped with a line. One that refuses the connection, presents no certificate for the host, or
    /// presents another certificate is asked again for a while (Envoy gets a new listener and SDS a new secret
    /// within seconds); then no listener is reported as inconclusive, and no or another certificate fails the task.
    /// </summary>
    private static async Task<string> CheckHandshakeAsync(BuildContext context, GatewayHosts hosts, X509Certificate2 expected)
    {
        var patience = context.Settings.WaitTimeout < HandshakePatience ? context.Settings.WaitTimeout : HandshakePatience;
        var deadline = DateTimeOffset.UtcNow + patience;
        var secret = $"{MeshLayout.GatewayNamespace}/{context.Settings.TlsSecret}";
        while (true)
        {
            var handshake = await GatewayHandshake.TryAsync(hosts.Gateway, hosts.MailHog, TimeSpan.FromSeconds(3));
            if (handshake.Outcome == HandshakeOutcome.Unreachable)
            {
                return $"TLS check of {hosts.MailHog} skipped: {handshake.Detail}";
            }

            if (handshake.Certificate?.Thumbprint == expected.Thumbprint)
            {
                return $"TLS handshake with {hosts.MailHog} at {handshake.Detail} returned our certificate (serial {expected.SerialNumber})";
            }

            if (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }

            var waited = $"{patience.TotalSeconds:0} s";
            switch (handshake.Outcome)
            {
                case HandshakeOutcome.Refused:
                    context.Log.Warning(
                        "TLS check of {0} inconclusive: {1} for {2} (no https listener on the gateway, or a firewall rejecting this machine). Check `kubectl get svc -n {3} {4}` and the Gateway's https server.",
                        hosts.MailHog,
                        handshake.Detail,
                        waited,
                        MeshLayout.GatewayNamespace,
                        Components.Gateway.Release);
                    return $"inconclusive: {handshake.Detail} for {waited}";
                case HandshakeOutcome.NoCertificate:
                    throw new InvalidOperationException(
                        $"ConfigureGateway: {handshake.Detail} for {waited}: the gateway has no certificate for the host. " +
                        $"Check that a Gateway server on port 443 lists {hosts.MailHog} with credentialName {context.Settings.TlsSecret}, that {secret} exists, and `istioctl proxy-config secret -n {MeshLayout.GatewayNamespace} deploy/{Components.Gateway.Release}`.");
                default:
                    var presented = handshake.Certificate!;
                    var names = string.Join(", ", HostNames.DnsNames(presented));
                    throw new InvalidOperationException(
                        $"ConfigureGateway: {hosts.MailHog} at {handshake.Detail} presents {presented.Subject} (serial {presented.SerialNumber}, names: {(names.Length == 0 ? "none" : names)}), not the certificate in {secret} (serial {expected.SerialNumber}). " +
                        $"Another Gateway may serve the host first (`kubectl get gateway -A`), or a proxy between this machine and the cluster answers TLS itself. Check the Gateway's credentialName and `istioctl proxy-config secret -n {MeshLayout.GatewayNamespace} deploy/{Components.Gateway.Release}`.");
            }
        }
    }

    // The Secret's contents stay in memory: they are never logged.
    private static Task<JsonObject?> ReadSecretAsync(BuildContext context, string name) =>
        context.Cluster.GetAsync("v1", "Secret", name, MeshLayout.GatewayNamespace);

    private static string Field(JsonObject secret, string key) =>
        (string?)secret["data"]?[key] is { } encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : string.Empty;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
