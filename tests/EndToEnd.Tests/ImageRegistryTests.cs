namespace Mesh.EndToEnd.Tests;

/// <summary>image-registry: our pinned images and Istio's come from a private mirror, and the chain still proves mTLS.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ImageRegistryTests
{
    [Fact]
    public async Task Istio_and_MailHog_take_their_images_from_the_mirror_and_mtls_is_still_proven()
    {
        await using var mesh = await SimulatedMesh.StartAsync();

        var run = mesh.Run("--target=EnforceMtls", "--dashboards=none", "--image-registry=registry.example:5000/mirror");

        Assert.True(run.ExitCode == 0, run.ToString());
        var image = "jsonpath={.spec.template.spec.containers[0].image}";
        Assert.StartsWith("registry.example:5000/mirror/istio/pilot:", mesh.Kubectl("get", "deployment", "istiod", "-n", "istio-system", "-o", image), StringComparison.Ordinal);
        Assert.Equal("registry.example:5000/mirror/mailhog/mailhog:v1.0.1", mesh.Kubectl("get", "deployment", "mailhog", "-n", "mailhog", "-o", image));
        Assert.Contains("mTLS is enforced: plaintext from outside the mesh: refused (curl 56)", run.Output, StringComparison.Ordinal);
    }
}
