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
        new("", "v1", "pods", "pod", "Pod", true, ["po"], HasStatus: true),
        new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], HasStatus: true, TracksGeneration: true),
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, []),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"], HasStatus: true, TracksGeneration: true, Categories: ["api-extensions"]),
    ];
}
