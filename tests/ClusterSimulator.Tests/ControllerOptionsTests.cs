namespace Mesh.ClusterSimulator.Tests;

/// <summary>Each simulated controller can be switched off, and picks up where it was when switched back on.</summary>
public sealed class ControllerOptionsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    [Fact]
    public async Task With_the_deployment_controller_off_nothing_rolls_out_until_it_is_on_again()
    {
        var ns = await _kit.NamespaceAsync("off");
        fixture.Cluster.Controllers.Deployments = false;
        try
        {
            await _kit.ApplyAsync(ns, ControllerTestKit.Deployment("web", 1));
            var stalled = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=1s");

            Assert.NotEqual(0, stalled.ExitCode);
            Assert.Contains("timed out waiting for the condition", stalled.Output);
            Assert.Empty(fixture.Cluster.Store.List(ObjectStore.Kind("ReplicaSet"), ns, LabelSelector.Parse(null), _ => true)["items"]!.AsArray());
        }
        finally
        {
            fixture.Cluster.Controllers.Deployments = true;
        }

        var rollout = await _kit.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s");

        Assert.True(rollout.ExitCode == 0, rollout.Output);
        Assert.Null(fixture.Cluster.ControllerError);
    }

    [Fact]
    public async Task With_crd_establishing_off_a_definition_is_neither_established_nor_served_until_written_with_it_on()
    {
        fixture.Cluster.Controllers.EstablishCustomResourceDefinitions = false;
        try
        {
            await _kit.ApplyAsync("default", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: widgets.example.com
                spec:
                  group: example.com
                  names: {kind: Widget, plural: widgets}
                  scope: Namespaced
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """);
            var waited = await _kit.KubectlAsync("wait", "crd/widgets.example.com", "--for=condition=Established", "--timeout=1s");
            var listed = await _kit.KubectlAsync("get", "--raw", "/apis/example.com/v1/namespaces/default/widgets");

            Assert.NotEqual(0, waited.ExitCode);
            Assert.Contains("timed out waiting for the condition", waited.Output);
            Assert.NotEqual(0, listed.ExitCode);
        }
        finally
        {
            fixture.Cluster.Controllers.EstablishCustomResourceDefinitions = true;
        }

        var labelled = await _kit.KubectlAsync("label", "crd", "widgets.example.com", "touched=yes");
        var established = await _kit.KubectlAsync("wait", "crd/widgets.example.com", "--for=condition=Established", "--timeout=5s");

        Assert.True(labelled.ExitCode == 0, labelled.Output);
        Assert.True(established.ExitCode == 0, established.Output);
        Assert.Equal(0, (await _kit.KubectlAsync("get", "--raw", "/apis/example.com/v1/namespaces/default/widgets")).ExitCode);
    }

    [Fact]
    public async Task Every_namespace_gets_a_default_service_account()
    {
        var ns = await _kit.NamespaceAsync("sa");

        var got = await _kit.KubectlAsync("wait", "--for=create", "serviceaccount/default", "-n", ns, "--timeout=5s");

        Assert.True(got.ExitCode == 0, got.Output);
    }
}
