using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

/// <summary>
/// The chain backwards: everything the pipeline installed goes, the last installed first, then what Istio is known
/// to leave behind, then an audit that fails naming anything of ours or Istio's still there. Whatever the settings
/// switch off today (a dashboard, DNS) is removed too: an earlier run may have installed it. Not part of the chain.
/// </summary>
[TaskName("Teardown")]
[TaskDescription("Removes what the pipeline installed, in reverse order, and what Istio leaves behind; CRDs only with include-crds; ends with an audit that fails naming any leftover")]
public sealed class Teardown : AsyncFrostingTask<BuildContext>
{
    private const string Crd = "CustomResourceDefinition";
    private const string CrdApi = "apiextensions.k8s.io/v1";
    private const string KeepPolicy = "helm.sh/resource-policy";

    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var objects = context.Objects;
        var mailhog = settings.MailHogNamespace;
        var names = new Dictionary<string, object?>
        {
            ["namespace"] = mailhog,
            ["gateway-namespace"] = MeshLayout.GatewayNamespace,
            ["istio-namespace"] = MeshLayout.IstioNamespace,
            ["tls-secret"] = settings.TlsSecret,
            ["ca-secret"] = ConfigureGateway.CaSecret,
        };
        if (!settings.Plan && await AnyReleaseAsync(context))
        {
            context.RequireTools();
        }

        // EnforceMtls and DeployMailHog: the policy, then the test application and its namespace (its probe Jobs go with it).
        await objects.RemoveManifestAsync("mtls/peer-authentication.yaml", new Dictionary<string, object?>(names) { ["namespace"] = settings.MtlsScope == MtlsScope.Mesh ? MeshLayout.IstioNamespace : mailhog });
        await objects.RemoveManifestAsync("mailhog/mailhog.yaml", names);

        // ConfigureGateway: the dashboards' routes, the Gateway, and the certificate it served.
        foreach (var dashboard in Dashboard.All)
        {
            await objects.RemoveManifestAsync("gateway/dashboard-virtualservice.yaml", new Dictionary<string, object?>(names) { ["name"] = dashboard.Id });
        }

        await objects.RemoveManifestAsync("gateway/gateway.yaml", names);
        await objects.RemoveManifestAsync("gateway/certificate.yaml", names);
        if (settings.TlsMode == TlsMode.ExistingSecret)
        {
            context.Log.Warning(
                "Teardown: tls-mode=existing-secret: the Secret {0}/{1} is yours and is not removed by name, but it goes with the namespace {0}; keep a copy if you need it (`kubectl get secret {1} -n {0} -o yaml`).",
                MeshLayout.GatewayNamespace,
                settings.TlsSecret);
        }
        else
        {
            await objects.RemoveManifestAsync("gateway/tls-secret.yaml", names);
        }

        await objects.RemoveManifestAsync("gateway/ca-secret.yaml", names);

        // InstallIstio, backwards: the dashboards, the Telemetry, the gateway and its namespace, every istiod revision.
        foreach (var dashboard in Dashboard.All.Reverse())
        {
            await context.Releases.RemoveAsync(dashboard.Component, dashboard.Component.Release);
        }

        await objects.RemoveManifestAsync("istio/telemetry.yaml", names);
        await context.Releases.RemoveAsync(Components.Gateway, Components.Gateway.Release);
        await objects.RemoveManifestAsync("istio/ingress-namespace.yaml", names);
        foreach (var release in await IstiodReleasesAsync(context))
        {
            await context.Releases.RemoveAsync(Components.Istiod, release);
        }

        // InstallIstioInit: the base chart; its CRDs stay unless include-crds says otherwise.
        await RemoveBaseAsync(context);
        await RemoveIstioLeftoversAsync(context);
        if (settings.IncludeCrds)
        {
            await RemoveIstioCrdsAsync(context);
        }

        await RemoveNamespaceAsync(context, MeshLayout.IstioNamespace);

        // ConfigureExternalDns.
        await context.Releases.RemoveAsync(Components.ExternalDns, Components.ExternalDns.Release);
        var namespaces = new List<string> { mailhog, MeshLayout.GatewayNamespace, MeshLayout.IstioNamespace };
        if (await CredentialsKeptAsync(context))
        {
            context.Log.Information(
                "namespace {0} stays: it holds the Secret {1} (dns-credentials-secret), which is yours; `kubectl delete namespace {0}` removes both",
                MeshLayout.ExternalDnsNamespace,
                settings.DnsCredentialsSecret);
        }
        else
        {
            await RemoveNamespaceAsync(context, MeshLayout.ExternalDnsNamespace);
            namespaces.Add(MeshLayout.ExternalDnsNamespace);
        }

        foreach (var ns in namespaces)
        {
            await objects.WaitGoneAsync("v1", "Namespace", ns, null);
        }

        var scope = new AuditScope(namespaces, IsOurRelease, CrdsKept: !settings.IncludeCrds);
        await context.Proofs.RunAsync("nothing of ours or Istio's is left", ProofCost.ReadOnly, () => AuditAsync(context, scope));
    }

    /// <summary>Our releases: the catalog's, and istiod under any revision (<c>istiod-REVISION</c>), whoever installed it.</summary>
    private static bool IsOurRelease(string release) =>
        Components.All.Any(component => component.Release == release)
        || release.StartsWith($"{Components.Istiod.Release}-", StringComparison.Ordinal);

    private static async Task<bool> AnyReleaseAsync(BuildContext context)
    {
        foreach (var ns in Components.All.Select(component => component.Namespace).Distinct())
        {
            if ((await context.Releases.NamesAsync(ns)).Any(IsOurRelease))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every istiod release in istio-system, whatever its revision (a canary upgrade adds <c>istiod-REVISION</c>); istiod itself when none is there.</summary>
    private static async Task<IReadOnlyList<string>> IstiodReleasesAsync(BuildContext context)
    {
        var found = await context.Releases.InstalledAsync(Components.Istiod);
        return found.Count == 0 ? [Components.Istiod.Release] : found;
    }

    /// <summary>
    /// Istio's base chart templates its CRDs (since 1.24), and the published charts mark each
    /// <c>helm.sh/resource-policy: keep</c>, so <c>helm uninstall istio-base</c> deletes the release's other objects and
    /// keeps the CRDs. helm decides that from the annotation in the release's stored manifest, not on the live CRD, so
    /// annotating the live CRDs now would not help: when include-crds=false and a CRD of the release lacks the policy
    /// (another chart, our fixture), we take the release's other objects away ourselves and then helm's records of it.
    /// </summary>
    private static async Task RemoveBaseAsync(BuildContext context)
    {
        var component = Components.Base;
        var record = await context.Releases.ReadAsync(component.Release, component.Namespace);
        var crds = record is null ? [] : ManifestTemplate.Parse(record.Manifest, $"the manifest of {component.Namespace}/{component.Release}")
            .Where(obj => (string?)obj["kind"] == Crd)
            .ToList();
        var unkept = crds.Count(crd => (string?)crd["metadata"]?["annotations"]?[KeepPolicy] != "keep");
        if (!context.Settings.IncludeCrds && unkept > 0)
        {
            await context.Releases.RemoveKeepingAsync(
                component,
                component.Release,
                obj => (string?)obj["kind"] == Crd,
                $"its {crds.Count} CRDs stay (include-crds=false; {unkept} without {KeepPolicy}=keep, which helm uninstall would delete)");
            return;
        }

        await context.Releases.RemoveAsync(
            component,
            component.Release,
            crds.Count == 0 ? string.Empty : context.Settings.IncludeCrds ? $"its {crds.Count} CRDs go too (include-crds)" : $"its {crds.Count} CRDs stay (include-crds=false; helm keeps them by {KeepPolicy})");
    }

    /// <summary>
    /// What Istio leaves when its releases are gone: webhooks of revision tags and validators, the admission policy of
    /// the default revision (made by istioctl or by an earlier install), and the root-certificate ConfigMap istiod wrote
    /// into every namespace.
    /// </summary>
    private static async Task RemoveIstioLeftoversAsync(BuildContext context)
    {
        const string admission = "admissionregistration.k8s.io/v1";
        foreach (var kind in MeshLayout.AdmissionKinds)
        {
            if (!await context.Cluster.ServesAsync(admission, kind))
            {
                continue;
            }

            foreach (var obj in await context.Cluster.ListAsync(admission, kind, metadataOnly: true))
            {
                var name = (string)obj["metadata"]!["name"]!;
                if (MeshLayout.IsIstioAdmissionName(name) || MeshLayout.IsPartOfIstio(obj))
                {
                    await context.Objects.RemoveAsync(admission, kind, name, null, "left by Istio");
                }
            }
        }

        foreach (var configMap in await context.Cluster.ListAsync("v1", "ConfigMap", fieldSelector: $"metadata.name={MeshLayout.CaRootCertConfigMap}", metadataOnly: true))
        {
            await context.Objects.RemoveAsync("v1", "ConfigMap", MeshLayout.CaRootCertConfigMap, (string?)configMap["metadata"]?["namespace"], "written by istiod");
        }
    }

    /// <summary>include-crds: every CRD of Istio's (labelled so, or in an <c>*.istio.io</c> group), and with it every Istio resource still in the cluster.</summary>
    private static async Task RemoveIstioCrdsAsync(BuildContext context)
    {
        var crds = (await context.Cluster.ListAsync(CrdApi, Crd, metadataOnly: true))
            .Where(MeshLayout.IsIstioCrd)
            .Select(crd => (string)crd["metadata"]!["name"]!)
            .ToList();
        foreach (var crd in crds)
        {
            await context.Objects.RemoveAsync(CrdApi, Crd, crd, null, "include-crds");
        }

        foreach (var crd in crds)
        {
            await context.Objects.WaitGoneAsync(CrdApi, Crd, crd, null);
        }
    }

    /// <summary>
    /// A namespace of ours. Finalizers in its metadata (Istio's operator leaves one on istio-system) would hold it
    /// Terminating for ever once nothing runs that removes them: they are taken off first, said in the log.
    /// </summary>
    private static async Task RemoveNamespaceAsync(BuildContext context, string ns)
    {
        var live = await context.Cluster.GetAsync("v1", "Namespace", ns, null);
        if (!context.Settings.Plan && live?["metadata"]?["finalizers"] is JsonArray { Count: > 0 } finalizers)
        {
            var held = string.Join(", ", finalizers.Select(finalizer => (string?)finalizer));
            live["metadata"]!.AsObject().Remove("finalizers");
            await context.Cluster.ReplaceAsync(live);
            context.Log.Information("namespace {0}: took off its finalizers ({1}), which nothing would remove once Istio is gone", ns, held);
        }

        await context.Objects.RemoveAsync("v1", "Namespace", ns, null);
    }

    // Only the Secret's existence is asked for, as ConfigureExternalDns does: its contents never pass through the pipeline.
    private static async Task<bool> CredentialsKeptAsync(BuildContext context) =>
        context.Settings.DnsCredentialsSecret is { } secret && await context.Cluster.ExistsAsync("v1", "Secret", secret, MeshLayout.ExternalDnsNamespace);

    private static async Task<string> AuditAsync(BuildContext context, AuditScope scope)
    {
        var leftovers = await MeshAudit.FindAsync(context.Cluster, scope);
        if (leftovers.Count > 0)
        {
            throw new InvalidOperationException(
                $"Teardown: {leftovers.Count} object(s) of ours or Istio's are still in the cluster after Teardown (expected none):{Environment.NewLine}  - " +
                string.Join($"{Environment.NewLine}  - ", leftovers) + Environment.NewLine +
                "Teardown removes only what it knows the pipeline installed; look at each with `kubectl get KIND NAME [-n NAMESPACE] -o yaml`, delete it if it is not someone else's, and run Teardown again.");
        }

        return $"the audit of every kind the server lists found nothing of ours or Istio's{(scope.CrdsKept ? " (Istio's CRDs stay: include-crds=false)" : string.Empty)}";
    }
}
