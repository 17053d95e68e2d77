namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// The pipeline's mTLS proof, end to end with the real helm and kubectl: our fixture charts for Istio's base
/// and istiod, an application in an injected namespace, a mesh-wide STRICT PeerAuthentication, then two probe
/// Jobs calling the application over plaintext HTTP, one opted out of the mesh and one injected.
/// </summary>
public sealed class MeshProofEndToEndTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    [Fact]
    public async Task Under_STRICT_a_plaintext_call_from_outside_the_mesh_fails_and_one_from_inside_succeeds()
    {
        var baseChart = await _kit.HelmAsync("upgrade", "--install", "istio-base", RepoTools.Chart("base"), "-n", "istio-system", "--create-namespace", "--wait", "--timeout", "30s");
        var istiod = await _kit.HelmAsync("upgrade", "--install", "istiod", RepoTools.Chart("istiod"), "-n", "istio-system", "--wait", "--timeout", "30s");
        var app = await _kit.NamespaceAsync("app");
        var labelled = await _kit.KubectlAsync("label", "namespace", app, "istio-injection=enabled");
        var web = await _kit.HelmAsync("install", "mail", RepoTools.Chart("web"), "-n", app, "--wait", "--timeout", "30s");
        await _kit.ApplyAsync("istio-system", """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata:
              name: default
            spec:
              mtls:
                mode: STRICT
            """);
        await _kit.ApplyAsync(app, Probe("outside", inject: false, app));
        await _kit.ApplyAsync(app, Probe("inside", inject: true, app));

        var outsideFailed = await _kit.KubectlAsync("wait", "-n", app, "--for=condition=Failed", "job/probe-outside", "--timeout=20s");
        var insideCompleted = await _kit.KubectlAsync("wait", "-n", app, "--for=condition=Complete", "job/probe-inside", "--timeout=20s");
        var outsideLog = await _kit.KubectlAsync("logs", "-n", app, "job/probe-outside");
        var insideLog = await _kit.KubectlAsync("logs", "-n", app, "job/probe-inside", "-c", "probe");
        var webContainers = await _kit.KubectlAsync("get", "pods", "-n", app, "-l", "app.kubernetes.io/name=web", "-o", "jsonpath={.items[*].spec.containers[*].name}");

        Assert.True(baseChart.ExitCode == 0, baseChart.Output);
        Assert.True(istiod.ExitCode == 0, istiod.Output);
        Assert.True(labelled.ExitCode == 0, labelled.Output);
        Assert.True(web.ExitCode == 0, web.Output);
        Assert.Equal(["web", "istio-proxy", "web", "istio-proxy"], webContainers.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(outsideFailed.ExitCode == 0, outsideFailed.Output);
        Assert.Contains("curl: (56) Recv failure: Connection reset by peer", outsideLog.Output);
        Assert.True(insideCompleted.ExitCode == 0, insideCompleted.Output);
        Assert.Contains("200", insideLog.Output);
    }

    private static string Probe(string name, bool inject, string ns) => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: probe-{{name}}
        spec:
          backoffLimit: 0
          template:
            metadata:
              labels:
                sidecar.istio.io/inject: "{{(inject ? "true" : "false")}}"
            spec:
              restartPolicy: Never
              containers:
                - name: probe
                  image: curlimages/curl:8.11.1
                  command: ["sh", "-c", "curl -sS -o /dev/null -w '%{http_code}' http://mail-web.{{ns}}:80/"]
        """;
}
