using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>The real KubernetesClient library, configured only from the kubeconfig the simulator writes.</summary>
public sealed class KubernetesClientTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private Kubernetes Client() =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.KubeconfigPath));

    [Fact]
    public async Task A_config_map_is_created_read_listed_replaced_and_deleted()
    {
        using var client = Client();
        var ns = SimulatorFixture.UniqueName("crud");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["mode"] = "a" } }, ns);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", ns);
        read.Data["mode"] = "b";
        var replaced = await client.CoreV1.ReplaceNamespacedConfigMapAsync(read, "settings", ns);
        var listed = await client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var deleted = await client.CoreV1.DeleteNamespacedConfigMapAsync("settings", ns);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("settings", ns));

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("b", replaced.Data["mode"]);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));
        Assert.Equal("settings", Assert.Single(listed.Items).Metadata.Name);
        Assert.False(string.IsNullOrEmpty(listed.Metadata.ResourceVersion));
        Assert.Equal("Success", deleted.Status);
        Assert.Equal(created.Metadata.Uid, deleted.Details.Uid);
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", missing.Response.Content);
    }

    [Fact]
    public async Task Replacing_with_a_stale_resource_version_is_a_conflict()
    {
        using var client = Client();
        var ns = SimulatorFixture.UniqueName("stale");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" } }, ns);
        var second = await client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns);
        second.Data = new Dictionary<string, string> { ["who"] = "second" };
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(second, "cm", ns);

        first.Data = new Dictionary<string, string> { ["who"] = "first" };
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cm", ns));

        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("second", (await client.CoreV1.ReadNamespacedConfigMapAsync("cm", ns)).Data["who"]);
    }

    [Fact]
    public async Task Creating_an_existing_object_is_a_conflict_with_reason_AlreadyExists()
    {
        using var client = Client();
        var ns = SimulatorFixture.UniqueName("exists");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);
        Assert.Contains("\"reason\":\"AlreadyExists\"", duplicate.Response.Content);
    }

    [Fact]
    public async Task Lists_filter_by_label_and_field_selectors_within_and_across_namespaces()
    {
        using var client = Client();
        var (one, two) = (SimulatorFixture.UniqueName("sel"), SimulatorFixture.UniqueName("sel"));
        var tier = SimulatorFixture.UniqueName("tier");
        foreach (var ns in new[] { one, two })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            foreach (var (name, role) in new[] { ("web", "front"), ("db", "back"), ("plain", null) })
            {
                var labels = new Dictionary<string, string> { ["tier"] = tier };
                if (role is not null)
                {
                    labels["role"] = role;
                }

                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, ns);
            }
        }

        async Task<string[]> Names(string? ns, string labels, string? fields = null) =>
            [.. (ns is null
                    ? await client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: labels, fieldSelector: fields)
                    : await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labels, fieldSelector: fields))
                .Items.Select(i => $"{i.Metadata.NamespaceProperty}/{i.Metadata.Name}")];

        Assert.Equal([$"{one}/web"], await Names(one, $"tier={tier},role=front"));
        Assert.Equal([$"{one}/db", $"{one}/plain"], await Names(one, $"tier={tier},role!=front"));
        Assert.Equal([$"{one}/db", $"{one}/web"], await Names(one, $"tier={tier},role in (front, back)"));
        Assert.Equal([$"{one}/plain"], await Names(one, $"tier={tier},role notin (front,back)"));
        Assert.Equal([$"{one}/plain"], await Names(one, $"tier={tier},!role"));
        Assert.Equal(new[] { $"{one}/web", $"{two}/web" }.Order(StringComparer.Ordinal), await Names(null, $"tier={tier},role=front"));
        Assert.Equal([$"{two}/db"], await Names(null, $"tier={tier},role", $"metadata.namespace={two},metadata.name=db"));
    }

    [Fact]
    public async Task Generated_names_generation_and_merge_patches_behave_like_the_real_server()
    {
        using var client = Client();
        var ns = SimulatorFixture.UniqueName("gen");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { GenerateName = "web-" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
                },
            },
        };

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        var name = created.Metadata.Name;
        var relabelled = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"team":"mesh"}}}""", V1Patch.PatchType.MergePatch), name, ns);
        var scaled = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), name, ns);

        Assert.Matches("^web-[a-z0-9]{5}$", name);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(1, relabelled.Metadata.Generation);
        Assert.Equal("mesh", relabelled.Metadata.Labels["team"]);
        Assert.Equal(2, scaled.Metadata.Generation);
        Assert.Equal(3, scaled.Spec.Replicas);
        Assert.Equal("mesh", scaled.Metadata.Labels["team"]);
    }
}
