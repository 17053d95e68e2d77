using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tasks;

[TaskName("ConfigureExternalDns")]
[TaskDescription("Installs external-dns, which writes DNS records for the gateway hosts (skipped when dns-provider is none)")]
[InstallsCharts("external-dns")]
public sealed class ConfigureExternalDns : FrostingTask<BuildContext>
{
    public override string SkippedMessage =>
        "DNS is off (dns-provider=none); hosts are NAME.DOMAIN, or NAME.GATEWAY-IP.sslip.io without a domain";

    public override bool ShouldRun(BuildContext context) => context.Settings.DnsEnabled;

    public override void Run(BuildContext context)
    {
        context.RequireTools();
        var settings = context.Settings;
        var values = new Dictionary<string, object?>
        {
            ["dns-provider"] = settings.DnsProvider,
            ["dns-policy"] = settings.DnsPolicy,
            ["dns-txt-owner-id"] = settings.DnsTxtOwnerId,
            ["domain"] = settings.Domain,
        };
        var chartValues = ManifestTemplate.RenderOne(context.Manifest("values/external-dns.yaml"), values);

        if (settings.DnsCredentialsSecret is { } secret)
        {
            RequireCredentialsSecret(context, secret);
            values["dns-credentials-secret"] = secret;
            var providers = ManifestTemplate.RenderOne(context.Manifest("values/external-dns-providers.yaml"), values);
            values["provider-env"] = providers[settings.DnsProvider] ?? new JsonArray();
            foreach (var (key, value) in ManifestTemplate.RenderOne(context.Manifest("values/external-dns-credentials.yaml"), values))
            {
                chartValues[key] = value?.DeepClone();
            }
        }

        Releases.Converge(context, new ReleaseSpec("external-dns", MeshLayout.ExternalDnsNamespace, "external-dns", chartValues));
        ClusterObjects.WaitForDeployment(context, MeshLayout.ExternalDnsNamespace, "external-dns");
        context.Log.Information("external-dns is available: provider {0}, domain {1}, owner id {2}, policy {3}", settings.DnsProvider, settings.Domain, settings.DnsTxtOwnerId, settings.DnsPolicy);
    }

    // Only the Secret's name is asked for: its contents never pass through the pipeline.
    private static void RequireCredentialsSecret(BuildContext context, string secret)
    {
        var found = context.KubectlNames("secret", secret, context.Kubectl(new KubectlGetSettings { IgnoreNotFound = true }, MeshLayout.ExternalDnsNamespace));
        if (found.Count == 0)
        {
            throw new InvalidOperationException(
                $"ConfigureExternalDns: the Secret '{secret}' (dns-credentials-secret) does not exist in namespace {MeshLayout.ExternalDnsNamespace}, so external-dns could not reach {context.Settings.DnsProvider}. " +
                $"Create it first, e.g. `kubectl create namespace {MeshLayout.ExternalDnsNamespace}; kubectl create secret generic {secret} -n {MeshLayout.ExternalDnsNamespace} --from-file=credentials=PATH`. Nothing was installed.");
        }
    }
}
