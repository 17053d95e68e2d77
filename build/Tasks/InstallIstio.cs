using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

[TaskName("InstallIstio")]
[IsDependentOn(typeof(InstallIstioInit))]
[TaskDescription("Installs istiod, then the ingress gateway once injection answers, then the enabled dashboards")]
[InstallsCharts("istiod", "gateway", "prometheus", "grafana", "kiali", "jaeger")]
public sealed class InstallIstio : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
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
            ["access-log-file"] = settings.AccessLog ? "/dev/stdout" : string.Empty,
            ["injection-revision"] = settings.InjectionRevision ?? string.Empty,
            ["injection-labels"] = MeshLayout.InjectionPodLabels(settings.InjectionRevision),
        };

        var istiod = Components.Istiod;
        var canary = settings.UpgradeStrategy == UpgradeStrategy.Canary ? await ReadCanaryAsync(context) : null;
        var istiodValues = Values(context, istiod, values);
        if (canary is { WantedHoldsTag: true })
        {
            // The tag's webhook is rendered by the chart of the revision it points at (why: see CanaryUpgrade).
            istiodValues = ValuesOverlay.Merge(istiodValues, new JsonObject { ["revisionTags"] = new JsonArray(settings.RevisionTag) });
        }

        await context.Releases.ConvergeAsync(new ReleaseSpec(istiod, istiod.ReleaseFor(revision), istiodValues));
        await context.Objects.WaitForDeploymentAsync(istiod.Namespace, istiod.DeploymentFor(revision)!);
        if (canary is { WantedHoldsTag: false } && !settings.Plan)
        {
            await context.Canary.MoveTagAsync(canary.Tagged, revision!);
        }

        // Gateway pods are injected when created: the injector must answer before the gateway is installed.
        await ConvergeGatewayNamespaceAsync(context, values);
        await context.Proofs.RunAsync("the sidecar injector answers", ProofCost.Writes, () => WaitForInjectionAsync(context, values));
        var gateway = Components.Gateway;
        await context.Releases.ConvergeAsync(new ReleaseSpec(gateway, gateway.Release, Values(context, gateway, values)));
        await context.Objects.WaitForDeploymentAsync(gateway.Namespace, gateway.Deployment!);
        await ReportGatewayAddressAsync(context);

        var dashboards = Dashboard.Enabled(settings);
        if (settings.Dashboards.Contains("jaeger"))
        {
            await context.Objects.ConvergeManifestAsync("istio/telemetry.yaml", values);
        }

        // The dashboards do not depend on each other: install them side by side.
        await Task.WhenAll(dashboards.Select(dashboard => Task.Run(() => context.Releases.ConvergeAsync(
            new ReleaseSpec(dashboard.Component, dashboard.Component.Release, Values(context, dashboard.Component, values))))));
        foreach (var dashboard in dashboards)
        {
            await context.Objects.WaitForDeploymentAsync(dashboard.Component.Namespace, dashboard.Component.Deployment!);
        }

        await context.Proofs.RunAsync("the sidecar injector's webhook is present", ProofCost.ReadOnly, () => RequireInjectorWebhookAsync(context, revision));
    }

    /// <summary>
    /// Where a canary stands before istiod is converged; says the steps it takes from here (as items in a plan). A
    /// revision-less istiod is not the start of a canary: its namespaces select it by istio-injection, not a tag.
    /// </summary>
    private static async Task<ControlPlanes> ReadCanaryAsync(BuildContext context)
    {
        var state = await context.Canary.ReadAsync();
        if (state.Installed.Contains(null))
        {
            throw new InvalidOperationException(
                $"InstallIstio: upgrade-strategy=canary needs a revisioned istiod, but the revision-less release {MeshLayout.IstioNamespace}/{Components.Istiod.Release} is installed " +
                $"and its namespaces select it by istio-injection, not by the tag {state.Tag}. Upgrade it with upgrade-strategy=in-place, or remove it (`helm uninstall {Components.Istiod.Release} -n {MeshLayout.IstioNamespace}`) and install afresh.");
        }

        var steps = state.Steps();
        if (steps.Count > 0)
        {
            context.Log.Information("canary: istiod {0} -> {1} with revision tag {2}, in {3} steps:", state.Replaced, state.Wanted, state.Tag, steps.Count);
            for (var step = 0; step < steps.Count; step++)
            {
                if (context.Settings.Plan)
                {
                    context.Canary.Step($"step {step + 1}", Outcome.WouldChange, steps[step]);
                }
                else
                {
                    context.Log.Information("  {0}. {1}", step + 1, steps[step]);
                }
            }
        }

        return state;
    }

    /// <summary>Our values for a chart; with image-registry, Istio's charts take their images from REGISTRY/istio.</summary>
    private static JsonObject Values(BuildContext context, Component component, IReadOnlyDictionary<string, object?> values)
    {
        var ours = ManifestTemplate.RenderOne(context.Manifest(component.ValuesFile), values);
        return context.Settings.ImageRegistry is { } registry && (component == Components.Istiod || component == Components.Gateway)
            ? ValuesOverlay.Merge(ours, new JsonObject { ["global"] = new JsonObject { ["hub"] = $"{registry}/istio" } })
            : ours;
    }

    private static async Task ConvergeGatewayNamespaceAsync(BuildContext context, IReadOnlyDictionary<string, object?> values)
    {
        var live = await context.Cluster.GetAsync("v1", "Namespace", MeshLayout.GatewayNamespace, null);
        if ((string?)live?["metadata"]?["labels"]?["istio-injection"] == "disabled")
        {
            throw new InvalidOperationException(
                $"InstallIstio: namespace {MeshLayout.GatewayNamespace} has istio-injection=disabled, but the gateway's pods need their proxy injected. " +
                $"Remove the label: `kubectl label namespace {MeshLayout.GatewayNamespace} istio-injection-`.");
        }

        await context.Objects.ConvergeManifestAsync("istio/ingress-namespace.yaml", values);
    }

    /// <summary>Sends a labelled pod as a server-side dry run until it comes back with an istio-proxy container.</summary>
    private static async Task<string> WaitForInjectionAsync(BuildContext context, IReadOnlyDictionary<string, object?> values)
    {
        var pod = context.Objects.Render("istio/injection-check.yaml", values).Single();
        foreach (var container in pod["spec"]?["containers"] as JsonArray ?? [])
        {
            container!["image"] = context.Settings.Image((string)container["image"]!);
        }

        var deadline = DateTimeOffset.UtcNow + context.Settings.WaitTimeout;
        var answer = "no answer yet";
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if (Sidecars.HasProxy(await context.Cluster.ApplyAsync(pod, force: true, dryRun: true)))
                {
                    return $"a test pod in {MeshLayout.GatewayNamespace} came back with istio-proxy";
                }

                answer = "the pod came back without an istio-proxy container";
            }
            catch (KubernetesApiException e)
            {
                answer = e.Message;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new InvalidOperationException(
            $"InstallIstio: istiod is available but its sidecar injector did not inject a test pod in {MeshLayout.GatewayNamespace} within {context.Settings.WaitTimeout} ({answer}). " +
            $"Check `kubectl get mutatingwebhookconfiguration {InjectorWebhook(context.Settings)}` and that the API server can reach istiod on port 15017.");
    }

    private static async Task ReportGatewayAddressAsync(BuildContext context)
    {
        var gateway = await context.GatewayAddressAsync();
        if (gateway.Address is not null)
        {
            context.Log.Information("ingress gateway address: {0} ({1})", gateway.Address, gateway.How);
            return;
        }

        context.Log.Warning(
            "ingress gateway: {0}. DNS records (external-dns) and the NAME.IP.sslip.io hosts need an address: on kind, run cloud-provider-kind or MetalLB, or set gateway-service-type=NodePort.",
            gateway.How);
    }

    private static async Task<string> RequireInjectorWebhookAsync(BuildContext context, string? revision)
    {
        var webhooks = new[] { MeshLayout.SidecarInjector(revision), InjectorWebhook(context.Settings) }.Distinct().ToList();
        foreach (var webhook in webhooks)
        {
            if (await context.Cluster.GetAsync("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", webhook, null) is null)
            {
                throw new InvalidOperationException(
                    $"InstallIstio: the sidecar injector's MutatingWebhookConfiguration {webhook} is missing after installing istiod; check `helm get manifest {Components.Istiod.ReleaseFor(revision)} -n {MeshLayout.IstioNamespace}`.");
            }
        }

        return $"sidecar injector webhook{(webhooks.Count == 1 ? string.Empty : "s")} {string.Join(" and ", webhooks)} {(webhooks.Count == 1 ? "is" : "are")} present";
    }

    // The webhook our namespaces and the gateway's pods are injected through: the tag's, else the revision's.
    private static string InjectorWebhook(MeshSettings settings) =>
        settings.RevisionTag is { } tag ? MeshLayout.RevisionTagWebhook(tag) : MeshLayout.SidecarInjector(settings.IstioRevision);
}
