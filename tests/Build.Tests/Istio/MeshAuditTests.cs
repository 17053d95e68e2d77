using System.Text.Json.Nodes;
using Mesh.Build.Istio;
using Mesh.Build.Kubernetes;

namespace Mesh.Build.Tests.Istio;

/// <summary>What Teardown's audit counts as ours or Istio's, object by object, and what it leaves alone.</summary>
public sealed class MeshAuditTests
{
    private static readonly AuditScope Scope = new(["istio-system", "mailhog"], release => release is "istiod" or "istio-base" || release.StartsWith("istiod-", StringComparison.Ordinal), CrdsKept: true);

    private static readonly ApiResource ConfigMap = new("v1", "ConfigMap", "configmaps", Namespaced: true);

    [Theory]
    [InlineData("v1", "Namespace", "namespaces", false, """{"name":"mailhog"}""", "a namespace the pipeline created")]
    [InlineData("v1", "ServiceAccount", "serviceaccounts", true, """{"name":"reader","namespace":"default","labels":{"app.kubernetes.io/part-of":"istio"}}""", "label app.kubernetes.io/part-of=istio")]
    [InlineData("v1", "Service", "services", true, """{"name":"x","namespace":"default","labels":{"istio.io/rev":"canary"}}""", "label istio.io/rev=canary")]
    [InlineData("v1", "Service", "services", true, """{"name":"x","namespace":"default","managedFields":[{"manager":"mesh-build","operation":"Apply"}]}""", "field manager mesh-build")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, """{"name":"istiod-clusterrole","annotations":{"meta.helm.sh/release-name":"istiod-canary","meta.helm.sh/release-namespace":"istio-system"}}""", "an object of the helm release istio-system/istiod-canary")]
    [InlineData("v1", "Secret", "secrets", true, """{"name":"sh.helm.release.v1.istio-base.v1","namespace":"kube-system","labels":{"owner":"helm","name":"istio-base"}}""", "helm's record of the release istio-base")]
    [InlineData("v1", "ConfigMap", "configmaps", true, """{"name":"istio-ca-root-cert","namespace":"default"}""", "istiod's root certificate")]
    [InlineData("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, """{"name":"istiod-default-validator"}""", "Istio's webhook or admission policy, by name")]
    [InlineData("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, """{"name":"istio-revision-tag-default"}""", "Istio's webhook or admission policy, by name")]
    public void Counts_an_object_that_is_ours_or_Istios_saying_why(string apiVersion, string kind, string plural, bool namespaced, string metadata, string why)
    {
        var resource = new ApiResource(apiVersion, kind, plural, namespaced);

        Assert.Equal(why, MeshAudit.Why(new JsonObject { ["metadata"] = JsonNode.Parse(metadata) }, resource, Scope));
    }

    [Fact]
    public void Leaves_alone_others_objects_the_runs_own_lease_and_Istios_CRDs_when_they_are_kept()
    {
        var crd = new ApiResource("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false);
        var lease = new ApiResource("coordination.k8s.io/v1", "Lease", "leases", Namespaced: true);
        var istioCrd = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "gateways.networking.istio.io", ["labels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "istio" } } };

        Assert.Null(MeshAudit.Why(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["namespace"] = "default", ["labels"] = new JsonObject { ["owner"] = "helm", ["name"] = "grafana-other" } } }, ConfigMap, Scope));
        Assert.Null(MeshAudit.Why(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "mesh-build", ["namespace"] = "kube-system", ["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "mesh-build" }) } }, lease, Scope));
        Assert.Null(MeshAudit.Why(istioCrd, crd, Scope));
        Assert.Equal("label app.kubernetes.io/part-of=istio", MeshAudit.Why(istioCrd, crd, Scope with { CrdsKept = false }));
    }
}
