namespace Mesh.ClusterSimulator.Tests;

/// <summary>
/// Storage as on kind: a default <c>standard</c> StorageClass, claims bound when a pod first mounts them
/// (what <c>helm install --wait</c> waits for on a chart with a PersistentVolumeClaim), volumes deleted
/// with their claims.
/// </summary>
public sealed class VolumeTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly ControllerTestKit _kit = new(fixture);

    [Fact]
    public async Task A_claim_gets_the_default_class_and_is_bound_once_a_pod_mounts_it_then_its_volume_goes_with_it()
    {
        var ns = await _kit.NamespaceAsync("pvc");
        await _kit.ApplyAsync(ns, """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 2Gi}}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: elsewhere}
            spec:
              storageClassName: no-such-class
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """);

        var defaultClass = await _kit.KubectlAsync("get", "sc", "standard", "-o", "jsonpath={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class} {.provisioner} {.volumeBindingMode}");
        var pending = await _kit.KubectlAsync("get", "pvc", "data", "-n", ns, "-o", "jsonpath={.spec.storageClassName} {.status.phase}");
        await _kit.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: user}
            spec:
              containers: [{name: app, image: busybox}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            """);
        var bound = await _kit.KubectlAsync("wait", "pvc/data", "-n", ns, "--for=jsonpath={.status.phase}=Bound", "--timeout=10s");
        var volume = await _kit.KubectlAsync("get", "pvc", "data", "-n", ns, "-o", "jsonpath={.spec.volumeName} {.status.capacity.storage}");
        var elsewhere = await _kit.KubectlAsync("get", "pvc", "elsewhere", "-n", ns, "-o", "jsonpath={.status.phase}");
        var volumeName = volume.Output.Split(' ')[0];
        var claimRef = await _kit.KubectlAsync("get", "pv", volumeName, "-o", "jsonpath={.spec.claimRef.namespace}/{.spec.claimRef.name} {.status.phase}");
        await _kit.KubectlAsync("delete", "pod", "user", "-n", ns, "--wait=false");
        var deleted = await _kit.KubectlAsync("delete", "pvc", "data", "-n", ns);
        var gone = await _kit.KubectlAsync("wait", "pv/" + volumeName, "--for=delete", "--timeout=10s");

        Assert.Equal("true rancher.io/local-path WaitForFirstConsumer", defaultClass.Output);
        Assert.Equal("standard Pending", pending.Output);
        Assert.True(bound.ExitCode == 0, bound.Output);
        Assert.StartsWith("pvc-", volumeName);
        Assert.EndsWith(" 2Gi", volume.Output);
        Assert.Equal("Pending", elsewhere.Output);
        Assert.Equal($"{ns}/data Bound", claimRef.Output);
        Assert.True(deleted.ExitCode == 0, deleted.Output);
        Assert.True(gone.ExitCode == 0, gone.Output);
        Assert.Null(fixture.Cluster.ControllerError);
    }
}
