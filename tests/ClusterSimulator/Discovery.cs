using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Legacy discovery documents. Clients that ask for aggregated discovery (apidiscovery.k8s.io/v2) accept
/// these when they come back as plain <c>application/json</c>, and then ask per group-version.
/// </summary>
public static class Discovery
{
    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public static JsonObject Groups(IReadOnlyList<ResourceKind> kinds) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. GroupNames(kinds).Select(g => (JsonNode)Group(kinds, g)!)]),
    };

    public static JsonObject? Group(IReadOnlyList<ResourceKind> kinds, string group)
    {
        var versions = kinds.Where(k => k.Group == group && group.Length > 0).Select(k => k.Version).Distinct().ToList();
        if (versions.Count == 0)
        {
            return null;
        }

        JsonObject Version(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)Version(v))]),
            ["preferredVersion"] = Version(versions[0]),
        };
    }

    public static JsonObject? Resources(IReadOnlyList<ResourceKind> all, string group, string version)
    {
        var kinds = all.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray([.. ResourceKind.Verbs.Select(v => (JsonNode)v)]),
                ["shortNames"] = new JsonArray([.. kind.ShortNames.Select(s => (JsonNode)s)]),
                ["categories"] = new JsonArray([.. (kind.Categories ?? []).Select(c => (JsonNode)c)]),
            });
            foreach (var (sub, subKind, subGroup, verbs) in Subresources(kind))
            {
                var resource = new JsonObject
                {
                    ["name"] = $"{kind.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = kind.Namespaced,
                };
                if (subGroup is not null)
                {
                    resource["group"] = subGroup;
                    resource["version"] = "v1";
                }

                resource["kind"] = subKind;
                resource["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]);
                resources.Add(resource);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    // What each subresource answers with (its kind, and group when not the resource's own) and its verbs.
    private static IEnumerable<(string Name, string Kind, string? Group, string[] Verbs)> Subresources(ResourceKind kind)
    {
        if (kind.HasStatus)
        {
            yield return ("status", kind.Kind, null, ["get", "patch", "update"]);
        }

        foreach (var sub in kind.Subresources)
        {
            yield return sub switch
            {
                "scale" => ("scale", "Scale", "autoscaling", ["get", "patch", "update"]),
                "log" => ("log", "Pod", null, ["get"]),
                "token" => ("token", "TokenRequest", "authentication.k8s.io", ["create"]),
                _ => (sub, kind.Kind, null, ["get"]),
            };
        }
    }

    private static IEnumerable<string> GroupNames(IReadOnlyList<ResourceKind> kinds) =>
        kinds.Select(k => k.Group).Where(g => g.Length > 0).Distinct();
}
