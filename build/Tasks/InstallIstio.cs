using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstio")]
[IsDependentOn(typeof(InstallIstioInit))]
[TaskDescription("Installs istiod, then the ingress gateway once injection answers, then the enabled dashboards")]
[InstallsCharts("istiod", "gateway", "prometheus", "grafana", "kiali", "jaeger")]
public sealed class InstallIstio : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        context.RequireTools();
        var settings = context.Settings;
        var revision = settings.IstioRevision;
        var values = new Dictionary<string, object?>
        {
            ["revision"] = revision ?? string.Empty,
            ["istio-namespace"] = MeshLayout.IstioNamespace,
            ["gateway-namespace"] = MeshLayout.GatewayNamespace,
            ["gateway-service-type"] = settings.GatewayServiceType,
            ["jaeger-collector-host"] = $"{Dashboard.JaegerCollectorService}.{MeshLayout.IstioNamespace}.svc.cluster.local",
            ["tracing-sampling"] = settings.TracingSampling,
            ["injection-labels"] = MeshLayout.InjectionPodLabels(revision),
        };

        // istiod edits its webhooks' failurePolicy at run time; ForceConflicts keeps an upgrade from failing on it.
        var istiod = MeshLayout.Istiod(revision);
        Releases.Converge(context, new ReleaseSpec(istiod, MeshLayout.IstioNamespace, "istiod", Values(context, "istiod", values), ForceConflicts: true));
        ClusterObjects.WaitForDeployment(context, MeshLayout.IstioNamespace, istiod);

        // Gateway pods are injected when created: the injector must answer before the gateway is installed.
        ConvergeGatewayNamespace(context, values);
        await WaitForInjectionAsync(context, values);
        Releases.Converge(context, new ReleaseSpec(MeshLayout.GatewayRelease, MeshLayout.GatewayNamespace, "gateway", Values(context, "gateway", values)));
        ClusterObjects.WaitForDeployment(context, MeshLayout.GatewayNamespace, MeshLayout.GatewayRelease);
        await ReportGatewayAddressAsync(context);

        var dashboards = Dashboard.Enabled(settings);
        if (settings.Dashboards.Contains("jaeger"))
        {
            ClusterObjects.ConvergeManifest(context, "istio/telemetry.yaml", values);
        }

        // The dashboards do not depend on each other: install them side by side.
        await Task.WhenAll(dashboards.Select(dashboard => Task.Run(() => Releases.Converge(
            context,
            new ReleaseSpec(dashboard.Release, MeshLayout.IstioNamespace, dashboard.Id, Values(context, dashboard.Id, values))))));
        foreach (var dashboard in dashboards)
        {
            ClusterObjects.WaitForDeployment(context, MeshLayout.IstioNamespace, dashboard.Deployment);
        }

        RequireInjectorWebhook(context, revision);
    }

    private static JsonObject Values(BuildContext context, string chartId, IReadOnlyDictionary<string, object?> values) =>
        ManifestTemplate.RenderOne(context.Manifest($"values/{chartId}.yaml"), values);

    private static void ConvergeGatewayNamespace(BuildContext context, IReadOnlyDictionary<string, object?> values)
    {
        var live = ClusterObjects.Get(context, "namespace", MeshLayout.GatewayNamespace, null);
        if ((string?)live?["metadata"]?["labels"]?["istio-injection"] == "disabled")
        {
            throw new InvalidOperationException(
                $"InstallIstio: namespace {MeshLayout.GatewayNamespace} has istio-injection=disabled, but the gateway's pods need their proxy injected. " +
                $"Remove the label: `kubectl label namespace {MeshLayout.GatewayNamespace} istio-injection-`.");
        }

        ClusterObjects.ConvergeManifest(context, "istio/ingress-namespace.yaml", values);
    }

    /// <summary>Sends a labelled pod as a server-side dry run until it comes back with an istio-proxy container.</summary>
    private static async Task WaitForInjectionAsync(BuildContext context, IReadOnlyDictionary<string, object?> values)
    {
        var pod = ManifestTemplate.RenderOne(context.Manifest("istio/injection-check.yaml"), values);
        var file = Path.Combine(context.ScratchDirectory, "injection-check.json");
        await File.WriteAllTextAsync(file, pod.ToJsonString());
        var settings = context.Kubectl(new KubectlApplySettings { DryRun = KubectlDryRun.Server, Output = "json", FieldManager = ClusterObjects.FieldManager });
        settings.Files.Add(file);
        var deadline = DateTimeOffset.UtcNow + context.Settings.WaitTimeout;
        var answer = "no answer yet";
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if (Sidecars.HasProxy(JsonNode.Parse(context.KubectlApply(settings).Text)))
                {
                    context.Log.Information("the sidecar injector answers: a test pod in {0} came back with istio-proxy", MeshLayout.GatewayNamespace);
                    return;
                }

                answer = "the pod came back without an istio-proxy container";
            }
            catch (Tools.ToolCommandException e)
            {
                answer = e.LastError;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new InvalidOperationException(
            $"InstallIstio: istiod is available but its sidecar injector did not inject a test pod in {MeshLayout.GatewayNamespace} within {context.Settings.WaitTimeout} ({answer}). " +
            $"Check `kubectl get mutatingwebhookconfiguration {MeshLayout.SidecarInjector(context.Settings.IstioRevision)}` and that the API server can reach istiod on port 15017.");
    }

    private static async Task ReportGatewayAddressAsync(BuildContext context)
    {
        var gateway = await GatewayAddress.ReadAsync(context);
        if (gateway.Address is not null)
        {
            context.Log.Information("ingress gateway address: {0} ({1})", gateway.Address, gateway.How);
            return;
        }

        context.Log.Warning(
            "ingress gateway: {0}. DNS records (external-dns) and the NAME.IP.sslip.io hosts need an address: on kind, run cloud-provider-kind or MetalLB, or set gateway-service-type=NodePort.",
            gateway.How);
    }

    private static void RequireInjectorWebhook(BuildContext context, string? revision)
    {
        var webhook = MeshLayout.SidecarInjector(revision);
        if (context.KubectlNames("mutatingwebhookconfiguration", webhook, context.Kubectl(new KubectlGetSettings { IgnoreNotFound = true })).Count == 0)
        {
            throw new InvalidOperationException($"InstallIstio: the sidecar injector's MutatingWebhookConfiguration {webhook} is missing after installing istiod; check `helm get manifest {MeshLayout.Istiod(revision)} -n {MeshLayout.IstioNamespace}`.");
        }

        context.Log.Information("sidecar injector webhook {0} is present", webhook);
    }
}
