using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Manifests;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;
using Mesh.Build.Tools.Istioctl;

namespace Mesh.Build.Tasks;

[TaskName("DeployMailHog")]
[IsDependentOn(typeof(ConfigureGateway))]
[TaskDescription("Deploys MailHog (or Mailpit) in a namespace with sidecar injection, routed through the gateway, and checks every pod runs istio-proxy")]
public sealed class DeployMailHog : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var ns = settings.MailHogNamespace;
        var hosts = await context.GatewayHostsAsync();
        var server = ManifestTemplate.RenderOne(context.Manifest("mailhog/servers.yaml"), new Dictionary<string, object?>())[ServerKey(settings.MailServer)]!.AsObject();
        var values = new Dictionary<string, object?>
        {
            ["namespace"] = ns,
            ["namespace-labels"] = MeshLayout.InjectionNamespaceLabels(settings.InjectionRevision),
            ["image"] = settings.Image((string)server["image"]!),
            ["version"] = (string?)server["version"],
            ["readiness-path"] = (string?)server["readiness-path"],
            ["liveness-path"] = (string?)server["liveness-path"],
            ["host"] = hosts.MailHog,
            ["gateway"] = $"{MeshLayout.GatewayNamespace}/mesh-gateway",
        };

        var objects = await context.Objects.ConvergeManifestAsync("mailhog/mailhog.yaml", values);

        await context.Objects.WaitForDeploymentAsync(ns, "mailhog");
        var revision = settings.UpgradeStrategy == UpgradeStrategy.Canary ? settings.IstioRevision : null;
        if (revision is not null)
        {
            // A canary's new revision reaches MailHog only through new pods.
            await context.Canary.RestartOntoAsync(revision, ns, "mailhog", "app=mailhog");
        }

        await context.Proofs.RunAsync("every MailHog pod runs istio-proxy", ProofCost.ReadOnly, () => RequireSidecarsAsync(context, ns, revision));
        context.Log.Information("{0} UI routed at {1} (VirtualService {2}/mailhog through {3}/mesh-gateway)", ServerKey(settings.MailServer), hosts.Url(hosts.MailHog), ns, MeshLayout.GatewayNamespace);
        if (!settings.Plan)
        {
            await ShowInjectionByPodLabelAsync(context);
            ShowManualInjection(context, objects.Single(obj => (string?)obj["kind"] == "Deployment"));
        }
    }

    private static string ServerKey(MailServer server) => server.ToString().ToLowerInvariant();

    /// <summary>Injection happens when a pod is created: a pod without the proxy was created before the namespace was labelled.</summary>
    /// <remarks>With <paramref name="revision"/> (a canary's), every proxy must also come from that revision's injector.</remarks>
    private static async Task<string> RequireSidecarsAsync(BuildContext context, string ns, string? revision)
    {
        var pods = (await context.Cluster.ListAsync("v1", "Pod", ns, "app=mailhog"))
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .ToList();
        var bare = pods.Where(pod => !Sidecars.HasProxy(pod)).Select(pod => (string?)pod?["metadata"]?["name"]).ToList();
        if (pods.Count == 0 || bare.Count > 0)
        {
            throw new InvalidOperationException(
                $"DeployMailHog: {(pods.Count == 0 ? "no mailhog pod is running" : $"pods without istio-proxy: {string.Join(", ", bare)}")} in {ns}. " +
                $"Pods created before the namespace was labelled for injection keep running without it: `kubectl rollout restart deployment/mailhog -n {ns}`; " +
                $"check the label with `kubectl get namespace {ns} --show-labels`.");
        }

        var elsewhere = pods.Where(pod => revision is not null && Sidecars.RevisionOf(pod) != revision)
            .Select(pod => $"{(string?)pod["metadata"]?["name"]} ({Sidecars.RevisionOf(pod) ?? "no revision"})")
            .ToList();
        if (elsewhere.Count > 0)
        {
            throw new InvalidOperationException(
                $"DeployMailHog: the canary's revision is {revision}, but these pods in {ns} carry the proxy of another: {string.Join(", ", elsewhere)}. " +
                $"Check where the tag points with `kubectl get mutatingwebhookconfiguration {MeshLayout.RevisionTagWebhook(context.Settings.RevisionTag!)} --show-labels`, then `kubectl rollout restart deployment/mailhog -n {ns}`.");
        }

        return $"{string.Join(", ", pods.Select(pod => $"{ns}/{(string?)pod["metadata"]?["name"]}"))} run{(pods.Count == 1 ? "s" : string.Empty)} istio-proxy (injected: namespace label{(revision is null ? string.Empty : $" istio.io/rev={context.Settings.RevisionTag}, by revision {revision}")})";
    }

    /// <summary>The chapter's other way: a pod that opts in by label in a namespace without the injection label; the gateway's pods are such pods.</summary>
    private static async Task ShowInjectionByPodLabelAsync(BuildContext context)
    {
        var selector = string.Join(",", MeshLayout.InjectionPodLabels(context.Settings.InjectionRevision).Select(label => $"{label.Key}={label.Value}"));
        var pods = await context.Cluster.ListAsync("v1", "Pod", MeshLayout.GatewayNamespace, selector);
        var injected = pods.Count(Sidecars.HasProxy);
        context.Log.Information(
            "injection by pod label: {0} of {1} pods labelled {2} in {3} (a namespace without the injection label) run istio-proxy",
            injected,
            pods.Count,
            selector,
            MeshLayout.GatewayNamespace);
    }

    /// <summary>And manual injection, which needs istioctl: what kube-inject adds to the Deployment, without applying it.</summary>
    private static void ShowManualInjection(BuildContext context, JsonObject deployment)
    {
        if (!context.IstioctlIsAvailable())
        {
            context.Log.Information(IstioctlAliases.IstioctlMissing("the manual-injection example (istioctl kube-inject)"));
            return;
        }

        var file = Path.Combine(context.ScratchDirectory, "mailhog-deployment.json");
        File.WriteAllText(file, deployment.ToJsonString());
        var injected = context.IstioctlKubeInject(file, context.Istioctl(new IstioctlKubeInjectSettings()));
        context.Log.Information(
            "manual injection: `istioctl kube-inject -f mailhog.yaml` adds istio-proxy to the pod template ({0})",
            injected.Contains("istio-proxy", StringComparison.Ordinal) ? "seen in its output" : "not seen: check istioctl's version against istiod's");
    }
}
