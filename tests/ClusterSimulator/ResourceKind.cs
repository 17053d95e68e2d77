namespace Mesh.ClusterSimulator;

/// <summary>One kind the simulator serves, with what discovery says about it.</summary>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    string[] ShortNames,
    bool HasStatus = false,
    bool TracksGeneration = false,
    string[]? Categories = null,
    System.Text.Json.Nodes.JsonObject? Schema = null)
{
    /// <summary>True for kinds a CustomResourceDefinition added; their <see cref="Schema"/> validates them.</summary>
    public bool IsCustom => Schema is not null;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The verbs served on every kind.</summary>
    public static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly IReadOnlyList<ResourceKind> BuiltIn =
    [
        new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], HasStatus: true),
        new("", "v1", "configmaps", "configmap", "ConfigMap", true, ["cm"]),
        new("", "v1", "secrets", "secret", "Secret", true, []),
        new("", "v1", "services", "service", "Service", true, ["svc"], HasStatus: true),
        new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], HasStatus: true, TracksGeneration: true),
        new("", "v1", "pods", "pod", "Pod", true, ["po"], HasStatus: true),
        new("", "v1", "nodes", "node", "Node", false, ["no"], HasStatus: true),
        new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"]),
        new("", "v1", "endpoints", "endpoints", "Endpoints", true, ["ep"]),
        new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], HasStatus: true, TracksGeneration: true),
        new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], HasStatus: true, TracksGeneration: true),
        new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, ["ds"], HasStatus: true, TracksGeneration: true),
        new("batch", "v1", "jobs", "job", "Job", true, [], HasStatus: true, TracksGeneration: true),
        new("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, []),
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, [], TracksGeneration: true),
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, [], TracksGeneration: true),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, []),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, []),
        new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, []),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, []),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"], HasStatus: true, TracksGeneration: true, Categories: ["api-extensions"]),
    ];
}
