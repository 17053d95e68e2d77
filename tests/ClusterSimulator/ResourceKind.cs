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
    /// <summary>
    /// For a built-in kind, its typed model from KubernetesClient (<c>k8s.Models</c>): the JSON name and
    /// type of every field, which validates and prunes what clients send, as the real server's Go types do.
    /// </summary>
    public Type? Model { get; init; }

    /// <summary>The subresources besides <c>status</c> (e.g. <c>scale</c>, <c>log</c>, <c>token</c>), as discovery lists them.</summary>
    public string[] Subresources { get; init; } = [];

    /// <summary>True for kinds a CustomResourceDefinition added; their <see cref="Schema"/> validates them.</summary>
    public bool IsCustom => Model is null && Schema is not null;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The verbs served on every kind.</summary>
    public static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>Every stable built-in kind of Kubernetes 1.35 that charts and operators write (see <see cref="BuiltInKinds"/>).</summary>
    public static IReadOnlyList<ResourceKind> BuiltIn => BuiltInKinds.All;
}
