using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The OpenAPI v3 documents kubectl and helm read before writing. They only need each write operation
/// (post, put, patch) to carry its group-version-kind and declare the <c>fieldValidation</c> query
/// parameter: then the clients leave validation to the server and never ask for OpenAPI v2. No schemas yet.
/// </summary>
public static class OpenApi
{
    public static JsonObject Index(IReadOnlyList<ResourceKind> all)
    {
        var paths = new JsonObject();
        foreach (var prefix in all.Select(Prefix).Distinct())
        {
            paths[prefix] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{prefix}?hash={Hash(prefix)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group-version, e.g. <c>api/v1</c> or <c>apis/apps/v1</c>; null when unknown.</summary>
    public static JsonObject? Document(IReadOnlyList<ResourceKind> all, string prefix)
    {
        var kinds = all.Where(k => Prefix(k) == prefix).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var kind in kinds)
        {
            var collection = kind.Namespaced ? $"/{prefix}/namespaces/{{namespace}}/{kind.Plural}" : $"/{prefix}/{kind.Plural}";
            paths[collection] = new JsonObject { ["post"] = Operation(kind, "post") };
            paths[collection + "/{name}"] = new JsonObject
            {
                ["put"] = Operation(kind, "put"),
                ["patch"] = Operation(kind, "patch"),
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.35.2" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(ResourceKind kind, string action) => new()
    {
        ["operationId"] = $"{action}{kind.Kind}",
        ["parameters"] = new JsonArray(
            Query("fieldValidation"),
            Query("fieldManager"),
            Query("dryRun")),
        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = new JsonObject
        {
            ["group"] = kind.Group,
            ["version"] = kind.Version,
            ["kind"] = kind.Kind,
        },
    };

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static string Prefix(ResourceKind kind) => kind.Group.Length == 0 ? $"api/{kind.Version}" : $"apis/{kind.Group}/{kind.Version}";

    // Stable for one build of the simulator, which is all a client cache needs.
    private static string Hash(string prefix) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("mesh-sim:" + prefix)))[..16];
}
