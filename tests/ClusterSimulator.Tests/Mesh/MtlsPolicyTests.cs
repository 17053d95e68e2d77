using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator.Tests;

/// <summary>Istio's effective peer authentication for a workload port, level by level.</summary>
public sealed class MtlsPolicyTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web" };

    private static JsonObject Policy(string ns, string? mode, string? app = null, string? portMode = null, string created = "2026-01-01T00:00:00Z")
    {
        var spec = new JsonObject();
        if (mode is not null)
        {
            spec["mtls"] = new JsonObject { ["mode"] = mode };
        }

        if (app is not null)
        {
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } };
        }

        if (portMode is not null)
        {
            spec["portLevelMtls"] = new JsonObject { ["8080"] = new JsonObject { ["mode"] = portMode } };
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"p{Guid.NewGuid():N}", ["namespace"] = ns, ["creationTimestamp"] = created },
            ["spec"] = spec,
        };
    }

    private static MtlsMode Resolve(int port, params JsonObject[] policies) => MtlsPolicy.Resolve(policies, "shop", Web, port);

    [Fact]
    public void No_policy_is_permissive() => Assert.Equal(MtlsMode.Permissive, Resolve(8080));

    [Theory]
    [InlineData("STRICT", MtlsMode.Strict)]
    [InlineData("PERMISSIVE", MtlsMode.Permissive)]
    [InlineData("DISABLE", MtlsMode.Disable)]
    [InlineData("UNSET", MtlsMode.Permissive)]
    public void A_mesh_wide_policy_in_istio_system_applies_everywhere(string mode, MtlsMode expected) =>
        Assert.Equal(expected, Resolve(8080, Policy("istio-system", mode)));

    [Fact]
    public void A_policy_without_a_selector_elsewhere_is_not_mesh_wide() =>
        Assert.Equal(MtlsMode.Permissive, Resolve(8080, Policy("other", "STRICT")));

    [Fact]
    public void The_namespace_policy_overrides_the_mesh() =>
        Assert.Equal(MtlsMode.Permissive, Resolve(8080, Policy("istio-system", "STRICT"), Policy("shop", "PERMISSIVE")));

    [Fact]
    public void The_workload_policy_overrides_the_namespace_when_its_selector_matches()
    {
        Assert.Equal(MtlsMode.Strict, Resolve(8080, Policy("shop", "PERMISSIVE"), Policy("shop", "STRICT", app: "web")));
        Assert.Equal(MtlsMode.Permissive, Resolve(8080, Policy("shop", "PERMISSIVE"), Policy("shop", "STRICT", app: "db")));
    }

    [Fact]
    public void Port_level_mtls_overrides_the_workload_mode_for_that_port_only()
    {
        var policy = Policy("shop", "STRICT", app: "web", portMode: "PERMISSIVE");

        Assert.Equal(MtlsMode.Permissive, Resolve(8080, policy));
        Assert.Equal(MtlsMode.Strict, Resolve(9090, policy));
    }

    [Fact]
    public void Unset_inherits_from_the_level_above_at_every_level()
    {
        Assert.Equal(MtlsMode.Strict, Resolve(8080, Policy("istio-system", "STRICT"), Policy("shop", "UNSET")));
        Assert.Equal(MtlsMode.Strict, Resolve(8080, Policy("istio-system", "STRICT"), Policy("shop", null, app: "web")));
        Assert.Equal(MtlsMode.Strict, Resolve(8080, Policy("shop", "STRICT"), Policy("shop", "UNSET", app: "web", portMode: "UNSET")));
        Assert.Equal(MtlsMode.Disable, Resolve(8080, Policy("istio-system", "STRICT"), Policy("shop", "DISABLE"), Policy("shop", "UNSET", app: "web")));
    }

    [Fact]
    public void Of_two_namespace_policies_the_oldest_counts() =>
        Assert.Equal(MtlsMode.Strict, Resolve(8080, Policy("shop", "PERMISSIVE", created: "2026-02-01T00:00:00Z"), Policy("shop", "STRICT", created: "2026-01-01T00:00:00Z")));
}
