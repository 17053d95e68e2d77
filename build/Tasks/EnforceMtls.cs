using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;
using Mesh.Build.Istio;
using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tasks;

[TaskName("EnforceMtls")]
[IsDependentOn(typeof(DeployMailHog))]
[TaskDescription("Applies PeerAuthentication (STRICT by default), prints MailHog's effective mTLS policy, and proves it with a call from outside the mesh and one from inside")]
public sealed class EnforceMtls : AsyncFrostingTask<BuildContext>
{
    private const int UiPort = 8025;
    private const int SmtpPort = 1025;
    private const string Outside = "plaintext from outside the mesh";
    private const string Inside = "mutual TLS from inside the mesh";

    public override Task RunAsync(BuildContext context) => context.ProveAsync("EnforceMtls", () => EnforceAsync(context));

    private static async Task EnforceAsync(BuildContext context)
    {
        var settings = context.Settings;
        var mode = settings.MtlsMode.ToString().ToUpperInvariant();
        var ns = settings.MailHogNamespace;
        var policyNamespace = settings.MtlsScope == MtlsScope.Mesh ? MeshLayout.IstioNamespace : ns;
        await context.Objects.ConvergeManifestAsync("mtls/peer-authentication.yaml", new Dictionary<string, object?> { ["namespace"] = policyNamespace, ["mode"] = mode });

        await context.Proofs.RunAsync($"MailHog's effective mTLS policy is {mode}", ProofCost.ReadOnly, () => ReportEffectivePolicyAsync(context, ns, mode));
        await context.Proofs.RunAsync("plaintext from outside the mesh and mutual TLS from inside", ProofCost.Writes, () => ProveAsync(context, ns, settings.MtlsMode));
    }

    /// <summary>Reads back every PeerAuthentication and resolves MailHog's policy as istiod does; a narrower policy may override ours.</summary>
    private static async Task<string> ReportEffectivePolicyAsync(BuildContext context, string ns, string expected)
    {
        var policies = new JsonArray([.. (await context.Cluster.ListAsync("security.istio.io/v1", "PeerAuthentication")).Select(policy => (JsonNode)policy)]);
        var deployment = await context.Cluster.GetAsync("apps/v1", "Deployment", "mailhog", ns)
            ?? throw new InvalidOperationException($"EnforceMtls: deployment {ns}/mailhog does not exist; run the DeployMailHog target first.");
        var labels = (deployment["spec"]?["template"]?["metadata"]?["labels"] as JsonObject ?? [])
            .ToDictionary(label => label.Key, label => (string?)label.Value ?? string.Empty);
        var resolution = EffectiveMtls.Resolve(policies, MeshLayout.IstioNamespace, ns, labels, [SmtpPort, UiPort]);
        foreach (var line in resolution.Describe($"{ns}/mailhog"))
        {
            context.Log.Information(line);
        }

        foreach (var warning in resolution.Warnings)
        {
            context.Log.Warning(warning);
        }

        var ui = resolution.Ports.Single(port => port.Port == UiPort);
        if (ui.Mode != expected)
        {
            throw new InvalidOperationException(
                $"EnforceMtls: {expected} was applied, but MailHog's effective mTLS on port {UiPort} is {ui.Mode} ({resolution.Source}; {ui.Source}). " +
                "A narrower PeerAuthentication overrides ours: list them with `kubectl get peerauthentication -A` and remove or change it.");
        }

        return $"port {UiPort}: {ui.Mode} ({ui.Source})";
    }

    /// <summary>
    /// A plaintext call from a pod opted out of the mesh must be refused under STRICT and accepted under PERMISSIVE;
    /// a call from inside the mesh must succeed either way.
    /// </summary>
    private static async Task<string> ProveAsync(BuildContext context, string ns, MtlsMode mode)
    {
        var url = $"http://mailhog.{ns}.svc.cluster.local:{UiPort}/";
        var outsideLabels = new Dictionary<string, string> { ["app"] = "mtls-probe-outside", ["sidecar.istio.io/inject"] = "false" };
        var insideLabels = new Dictionary<string, string> { ["app"] = "mtls-probe-inside" };
        var results = await Task.WhenAll(
            ProbeJob.RunAsync(context.Cluster, context.ManifestsDirectory, context.Settings.WaitTimeout, "mtls-probe-outside", ns, outsideLabels, "outside", url, context.Settings.Image),
            ProbeJob.RunAsync(context.Cluster, context.ManifestsDirectory, context.Settings.WaitTimeout, "mtls-probe-inside", ns, insideLabels, "inside", url, context.Settings.Image));
        var (outside, inside) = (results[0], results[1]);
        var shown = $"{Outside}: {outside.Shown()}; {Inside}: {inside.Shown()}";
        context.Log.Information("{0}: {1}", Outside, outside.Shown());
        context.Log.Information("{0}: {1}", Inside, inside.Shown());
        context.Log.Verbose("without a sidecar: {0}", outside.Describe());
        context.Log.Verbose("inside the mesh:   {0}", inside.Describe());

        var problems = new List<string>();
        if (!inside.Succeeded)
        {
            problems.Add($"the call from inside the mesh should get HTTP 200 but did not: {inside.Describe()}");
        }

        if (mode == MtlsMode.Strict && outside.Succeeded)
        {
            problems.Add($"the plaintext call from a pod without a sidecar got through although STRICT must refuse it: {outside.Describe()}");
        }

        if (mode == MtlsMode.Permissive && !outside.Succeeded)
        {
            problems.Add($"the plaintext call from a pod without a sidecar failed although PERMISSIVE accepts it: {outside.Describe()}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"EnforceMtls: the mTLS proof failed:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        }

        return $"{(mode == MtlsMode.Strict ? "mTLS is enforced" : "mTLS is permissive")}: {shown}";
    }
}
