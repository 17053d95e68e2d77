using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.ClusterSimulator;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 14: a failed upgrade goes back to what served before; a release a dead run left pending is recovered.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ReleaseRecoveryTests
{
    private const string Hook = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: base-pre-upgrade-check
          namespace: {{ .Release.Namespace }}
          annotations:
            "helm.sh/hook": pre-upgrade
            "helm.sh/hook-delete-policy": before-hook-creation
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: check
                  image: busybox:1.37
                  command: ["sh", "-c", "echo 'schema check failed'; exit 1"]
        """;

    private const string Marker = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: base-marker
          namespace: {{ .Release.Namespace }}
        data:
          revision: first
        """;

    [Fact]
    public async Task An_upgrade_whose_hook_fails_is_rolled_back_the_earlier_revision_serves_and_the_task_fails_with_helms_message()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        using var charts = new TempCharts().Add("base");
        File.WriteAllText(Path.Combine(charts.Path, "base", "templates", "hook.yaml"), Hook);
        File.WriteAllText(Path.Combine(charts.Path, "base", "templates", "marker.yaml"), Marker);
        mesh.Cluster.RunPod = (pod, store) => ((string?)pod["metadata"]?["labels"]?["job-name"]) == "base-pre-upgrade-check"
            ? new PodRun(1, "schema check failed")
            : CurlProbe.Run(pod, store);
        var installed = mesh.Run("--target=InstallIstioInit", $"--chart-dir={charts.Path}");
        Assert.True(installed.ExitCode == 0, installed.ToString());
        // Drift (a person deleted an object of the release) makes the next run upgrade, which runs the hook.
        mesh.Kubectl("delete", "configmap", "base-marker", "-n", "istio-system");

        var upgrade = mesh.Run("--target=InstallIstioInit", $"--chart-dir={charts.Path}");

        Assert.True(upgrade.ExitCode == 1, upgrade.ToString());
        Assert.Contains("istio-system/istio-base: the upgrade to base-1.31.1 failed: Error: UPGRADE FAILED:", upgrade.Output, StringComparison.Ordinal);
        Assert.Contains("base-pre-upgrade-check", upgrade.Output, StringComparison.Ordinal);
        Assert.Contains("helm rolled it back: revision 3 (base-1.31.1, the values of revision 1) is deployed and serving", upgrade.Output, StringComparison.Ordinal);
        var history = History(mesh);
        Assert.Equal(["superseded", "failed", "deployed"], history.Select(entry => (string)entry["status"]!));
        Assert.Equal("Rollback to 1", (string?)history[2]["description"]);
        Assert.Equal("first", (string?)mesh.KubectlJson("get", "configmap", "base-marker", "-n", "istio-system")["data"]!["revision"]);
    }

    [Fact]
    public async Task A_release_left_pending_is_rolled_back_to_its_last_deployed_revision_or_removed_when_it_never_deployed_then_converges()
    {
        await using var mesh = await SimulatedMesh.StartAsync();
        var installed = mesh.Run("--target=InstallIstioInit");
        Assert.True(installed.ExitCode == 0, installed.ToString());

        // A run killed during an upgrade: helm wrote revision 2 as pending-upgrade and never finished it.
        var deployed = mesh.KubectlJson("get", "secret", "sh.helm.release.v1.istio-base.v1", "-n", "istio-system");
        WriteRecord(mesh, deployed, 2, "pending-upgrade");
        var afterUpgrade = mesh.Run("--target=InstallIstioInit");

        Assert.True(afterUpgrade.ExitCode == 0, afterUpgrade.ToString());
        Assert.Contains("istio-system/istio-base: release is pending-upgrade at revision 2, left so by a helm run that stopped; rolling it back to revision 1, its last deployed one", afterUpgrade.Output, StringComparison.Ordinal);
        Assert.Equal("deployed", (string?)History(mesh)[^1]["status"]);

        // A run killed during the first install: the only revision is pending-install.
        mesh.Kubectl("delete", "secret", "-n", "istio-system", "-l", "owner=helm,name=istio-base");
        WriteRecord(mesh, deployed, 1, "pending-install");
        var afterInstall = mesh.Run("--target=InstallIstioInit");
        var again = mesh.Run("--target=InstallIstioInit");

        Assert.True(afterInstall.ExitCode == 0, afterInstall.ToString());
        Assert.Contains("istio-system/istio-base: release is pending-install at revision 1, left so by a helm run that stopped and never deployed; removing it so that it installs afresh", afterInstall.Output, StringComparison.Ordinal);
        Assert.Equal(["deployed"], History(mesh).Select(entry => (string)entry["status"]!));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Empty(again.Writes);
    }

    private static List<JsonNode> History(SimulatedMesh mesh) =>
        [.. JsonNode.Parse(mesh.Helm("history", "istio-base", "-n", "istio-system", "-o", "json"))!.AsArray().Select(entry => entry!)];

    /// <summary>helm's record of a revision, written as helm writes it (a Secret of base64 gzipped JSON), with this status.</summary>
    private static void WriteRecord(SimulatedMesh mesh, JsonNode from, int version, string status)
    {
        var inner = Encoding.UTF8.GetString(Convert.FromBase64String((string)from["data"]!["release"]!));
        using var gzipped = new GZipStream(new MemoryStream(Convert.FromBase64String(inner)), CompressionMode.Decompress);
        var release = JsonNode.Parse(gzipped)!.AsObject();
        release["version"] = version;
        release["info"]!["status"] = status;
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        }

        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "helm.sh/release.v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"sh.helm.release.v1.istio-base.v{version}",
                ["namespace"] = "istio-system",
                ["labels"] = new JsonObject { ["owner"] = "helm", ["name"] = "istio-base", ["status"] = status, ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToBase64String(output.ToArray()))) },
        };
        mesh.KubectlApply(secret.ToJsonString());
    }
}
