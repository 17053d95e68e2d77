namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Issue 14: Teardown of the chain installed from the published charts, whose base chart marks each CRD
/// <c>helm.sh/resource-policy: keep</c>: helm's uninstall keeps them, and include-crds removes them afterwards.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PublishedChartsTeardownTests
{
    [PublishedChartsFact]
    public async Task Helm_keeps_the_published_CRDs_by_their_policy_and_include_crds_removes_them()
    {
        await using var mesh = await SimulatedMesh.StartAsync(PublishedCharts.Directory);
        string[] args = [.. PublishedCharts.VersionArguments, "--dns-provider=inmemory", $"--domain={PublishedMesh.Domain}", "--proofs=off"];
        var install = mesh.Run(args);
        Assert.True(install.ExitCode == 0, install.ToString());
        var crds = mesh.Kubectl("get", "crd", "-l", "app.kubernetes.io/part-of=istio", "-o", "name").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var kept = mesh.Run([.. args, "--target=Teardown", "--proofs=always"]);

        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Contains($"istio-system/istio-base: uninstalled base-{PublishedCharts.IstioVersion} (revision 1); its {crds.Length} CRDs stay (include-crds=false; helm keeps them by helm.sh/resource-policy)", kept.Output, StringComparison.Ordinal);
        Assert.Contains("external-dns/external-dns: uninstalled", kept.Output, StringComparison.Ordinal);
        Assert.Contains("proof nothing of ours or Istio's is left: proven", kept.Output, StringComparison.Ordinal);
        Assert.Equal(crds, mesh.Kubectl("get", "crd", "-l", "app.kubernetes.io/part-of=istio", "-o", "name").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(string.Empty, mesh.Helm("list", "-A", "-q").Trim());

        var removed = mesh.Run([.. args, "--target=Teardown", "--proofs=always", "--include-crds"]);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains($"customresourcedefinition.apiextensions.k8s.io/{crds[0].Split('/')[1]}: removed (include-crds)", removed.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, mesh.Kubectl("get", "crd", "-l", "app.kubernetes.io/part-of=istio", "-o", "name").Trim());
        Assert.Contains("proof nothing of ours or Istio's is left: proven", removed.Output, StringComparison.Ordinal);
    }
}
