using System.Reflection;
using k8s.Models;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The built-in kinds, one row each: the KubernetesClient model names the group, version, kind and
/// plural (its <see cref="KubernetesEntityAttribute"/>) and carries the fields; the row adds what
/// discovery says that the model does not (scope, short names, categories, subresources). Short names
/// and categories are the ones <c>kubectl api-resources</c> shows on a 1.35 server. Objects of every
/// kind are stored generically; only the kinds whose outcome a test sees have a controller.
/// </summary>
public static class BuiltInKinds
{
    private const bool Namespaced = true;
    private const bool ClusterScoped = false;

    private static readonly string[] All_ = ["all"];
    private static readonly string[] ApiExtensions = ["api-extensions"];

    /// <summary>Built-ins first, in the order the real server lists its groups.</summary>
    public static readonly IReadOnlyList<ResourceKind> All =
    [
        // core/v1
        Row<V1Namespace>(ClusterScoped, ["ns"], status: true),
        Row<V1ConfigMap>(Namespaced, ["cm"]),
        Row<V1Secret>(Namespaced, []),
        Row<V1Service>(Namespaced, ["svc"], status: true, categories: All_),
        Row<V1Pod>(Namespaced, ["po"], status: true, categories: All_, subresources: ["log"]),
        Row<V1Node>(ClusterScoped, ["no"], status: true),
        Row<V1ServiceAccount>(Namespaced, ["sa"], subresources: ["token"]),
        Row<V1Endpoints>(Namespaced, ["ep"], singular: "endpoints"),
        Row<Corev1Event>(Namespaced, ["ev"]),
        Row<V1LimitRange>(Namespaced, ["limits"]),
        Row<V1PersistentVolumeClaim>(Namespaced, ["pvc"], status: true),
        Row<V1PersistentVolume>(ClusterScoped, ["pv"], status: true),
        Row<V1PodTemplate>(Namespaced, []),
        Row<V1ReplicationController>(Namespaced, ["rc"], status: true, generation: true, categories: All_, subresources: ["scale"]),
        Row<V1ResourceQuota>(Namespaced, ["quota"], status: true),

        // apps/v1
        Row<V1Deployment>(Namespaced, ["deploy"], status: true, generation: true, categories: All_, subresources: ["scale"]),
        Row<V1ReplicaSet>(Namespaced, ["rs"], status: true, generation: true, categories: All_, subresources: ["scale"]),
        Row<V1StatefulSet>(Namespaced, ["sts"], status: true, generation: true, categories: All_, subresources: ["scale"]),
        Row<V1DaemonSet>(Namespaced, ["ds"], status: true, generation: true, categories: All_),
        Row<V1ControllerRevision>(Namespaced, []),

        // batch/v1
        Row<V1Job>(Namespaced, [], status: true, generation: true, categories: All_),
        Row<V1CronJob>(Namespaced, ["cj"], status: true, generation: true, categories: All_),

        // autoscaling/v2 (autoscaling/v1 is not served: it needs conversion to and from v2)
        Row<V2HorizontalPodAutoscaler>(Namespaced, ["hpa"], status: true, generation: true, categories: All_),

        // policy/v1
        Row<V1PodDisruptionBudget>(Namespaced, ["pdb"], status: true, generation: true),

        // networking.k8s.io/v1
        Row<V1NetworkPolicy>(Namespaced, ["netpol"], generation: true),
        Row<V1Ingress>(Namespaced, ["ing"], status: true, generation: true),
        Row<V1IngressClass>(ClusterScoped, [], generation: true),
        Row<V1IPAddress>(ClusterScoped, ["ip"]),
        Row<V1ServiceCIDR>(ClusterScoped, [], status: true),

        // discovery.k8s.io/v1, events.k8s.io/v1 (kept apart from core events: no conversion between them)
        Row<V1EndpointSlice>(Namespaced, []),
        Row<Eventsv1Event>(Namespaced, ["ev"]),

        // admissionregistration.k8s.io/v1
        Row<V1MutatingWebhookConfiguration>(ClusterScoped, [], generation: true, categories: ApiExtensions),
        Row<V1ValidatingWebhookConfiguration>(ClusterScoped, [], generation: true, categories: ApiExtensions),
        Row<V1ValidatingAdmissionPolicy>(ClusterScoped, [], status: true, generation: true, categories: ApiExtensions),
        Row<V1ValidatingAdmissionPolicyBinding>(ClusterScoped, [], generation: true, categories: ApiExtensions),

        // rbac.authorization.k8s.io/v1
        Row<V1ClusterRole>(ClusterScoped, []),
        Row<V1ClusterRoleBinding>(ClusterScoped, []),
        Row<V1Role>(Namespaced, []),
        Row<V1RoleBinding>(Namespaced, []),

        // apiextensions.k8s.io/v1, apiregistration.k8s.io/v1
        Row<V1CustomResourceDefinition>(ClusterScoped, ["crd", "crds"], status: true, generation: true, categories: ApiExtensions),
        Row<V1APIService>(ClusterScoped, [], status: true, categories: ApiExtensions),

        // certificates.k8s.io/v1, coordination.k8s.io/v1
        Row<V1CertificateSigningRequest>(ClusterScoped, ["csr"], status: true),
        Row<V1Lease>(Namespaced, []),

        // scheduling.k8s.io/v1, node.k8s.io/v1
        Row<V1PriorityClass>(ClusterScoped, ["pc"]),
        Row<V1RuntimeClass>(ClusterScoped, []),

        // storage.k8s.io/v1
        Row<V1StorageClass>(ClusterScoped, ["sc"]),
        Row<V1CSIDriver>(ClusterScoped, []),
        Row<V1CSINode>(ClusterScoped, []),
        Row<V1CSIStorageCapacity>(Namespaced, []),
        Row<V1VolumeAttachment>(ClusterScoped, [], status: true),
        Row<V1VolumeAttributesClass>(ClusterScoped, ["vac"]),

        // flowcontrol.apiserver.k8s.io/v1
        Row<V1FlowSchema>(ClusterScoped, [], status: true, generation: true),
        Row<V1PriorityLevelConfiguration>(ClusterScoped, [], status: true, generation: true),

        // resource.k8s.io/v1 (dynamic resource allocation)
        Row<V1DeviceClass>(ClusterScoped, [], generation: true),
        Row<Resourcev1ResourceClaim>(Namespaced, [], status: true),
        Row<V1ResourceClaimTemplate>(Namespaced, []),
        Row<V1ResourceSlice>(ClusterScoped, []),
    ];

    private static ResourceKind Row<TModel>(
        bool namespaced,
        string[] shortNames,
        bool status = false,
        bool generation = false,
        string[]? categories = null,
        string[]? subresources = null,
        string? singular = null)
    {
        var entity = typeof(TModel).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TModel).Name} has no KubernetesEntity attribute");
        return new ResourceKind(
            entity.Group,
            entity.ApiVersion,
            entity.PluralName,
            singular ?? entity.Kind.ToLowerInvariant(),
            entity.Kind,
            namespaced,
            shortNames,
            HasStatus: status,
            TracksGeneration: generation,
            Categories: categories)
        {
            Model = typeof(TModel),
            Subresources = subresources ?? [],
        };
    }
}
