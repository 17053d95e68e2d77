using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Manifests;

namespace Mesh.Build.Tasks;

[TaskName("ConfigureExternalDns")]
[TaskDescription("Installs external-dns, which writes DNS records for the gateway hosts (skipped when dns-provider is none)")]
[InstallsCharts("external-dns")]
public sealed class ConfigureExternalDns : AsyncFrostingTask<BuildContext>
{
    public override string SkippedMessage =>
        "DNS is off (dns-provider=none); hosts are NAME.DOMAIN, or NAME.GATEWAY-IP.sslip.io without a domain";

    public override bool ShouldRun(BuildContext context) => context.Settings.DnsEnabled;

    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var component = Components.ExternalDns;
        var values = new Dictionary<string, object?>
        {
            ["dns-provider"] = settings.DnsProvider,
            ["dns-policy"] = settings.DnsPolicy,
            ["dns-txt-owner-id"] = settings.DnsTxtOwnerId,
            ["domain"] = settings.Domain,
        };
        var chartValues = ManifestTemplate.RenderOne(context.Manifest(component.ValuesFile), values);

        if (settings.DnsCredentialsSecret is { } secret)
        {
            await RequireCredentialsSecretAsync(context, secret, component.Namespace);
            values["dns-credentials-secret"] = secret;
            var providers = ManifestTemplate.RenderOne(context.Manifest("values/external-dns-providers.yaml"), values);
            values["provider-env"] = providers[settings.DnsProvider] ?? new JsonArray();
            foreach (var (key, value) in ManifestTemplate.RenderOne(context.Manifest("values/external-dns-credentials.yaml"), values))
            {
                chartValues[key] = value?.DeepClone();
            }
        }

        await context.Releases.ConvergeAsync(new ReleaseSpec(component, component.Release, chartValues));
        await context.Objects.WaitForDeploymentAsync(component.Namespace, component.Deployment!);
        context.Log.Information("external-dns: provider {0}, domain {1}, owner id {2}, policy {3}", settings.DnsProvider, settings.Domain, settings.DnsTxtOwnerId, settings.DnsPolicy);
    }

    // Only the Secret's existence is asked for: its contents never pass through the pipeline.
    private static async Task RequireCredentialsSecretAsync(BuildContext context, string secret, string ns)
    {
        if (!await context.Cluster.ExistsAsync("v1", "Secret", secret, ns))
        {
            throw new InvalidOperationException(
                $"ConfigureExternalDns: the Secret '{secret}' (dns-credentials-secret) does not exist in namespace {ns}, so external-dns could not reach {context.Settings.DnsProvider}. " +
                $"Create it first, e.g. `kubectl create namespace {ns}; kubectl create secret generic {secret} -n {ns} --from-file=credentials=PATH`. Nothing was installed.");
        }
    }
}
