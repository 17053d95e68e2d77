using System.Text.Json.Nodes;
using Mesh.Build.Istio;

namespace Mesh.Build.Tests.Istio;

/// <summary>
/// The effective mTLS of the MailHog workload (mailhog/mailhog, app=mailhog, ports 8025 and 1025) for the policy
/// sets a cluster can hold, checked through the lines EnforceMtls logs and the warnings it raises.
/// </summary>
public sealed class EffectiveMtlsTests
{
    private const string Root = "istio-system";
    private const string Older = "2026-01-01T10:00:00Z";
    private const string Newer = "2026-03-01T10:00:00Z";

    private static readonly Dictionary<string, string> MailHogLabels = new() { ["app"] = "mailhog", ["pod-template-hash"] = "5d8f" };
    private static readonly int[] MailHogPorts = [8025, 1025];

    /// <summary>A PeerAuthentication item as kubectl prints it; <paramref name="spec"/> is the literal JSON of its spec.</summary>
    private static string Policy(string ns, string name, string spec, string created = Older) => $$"""
        {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
         "metadata": {"name": "{{name}}", "namespace": "{{ns}}", "creationTimestamp": "{{created}}"},
         "spec": {{spec}}}
        """;

    private static string MeshWide(string mode, string created = Older) => Policy(Root, "default", $$$"""{"mtls": {"mode": "{{{mode}}}"}}""", created);

    private static string Selecting(string labels, string rest = """{"mtls": {"mode": "STRICT"}}""") =>
        """{"selector": {"matchLabels": """ + labels + "}, " + rest.Trim()[1..];

    private const string AppMailHog = """{"app": "mailhog"}""";

    public static TheoryData<string, string[], string[], string[]> Cases => new()
    {
        {
            "no policy at all: Istio's PERMISSIVE default",
            [],
            ["mailhog/mailhog: PERMISSIVE (no policy, Istio's default)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "mesh-wide STRICT only",
            [MeshWide("STRICT")],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            []
        },
        {
            "namespace PERMISSIVE overrides mesh STRICT",
            [MeshWide("STRICT"), Policy("mailhog", "default", """{"mtls": {"mode": "PERMISSIVE"}}""")],
            ["mailhog/mailhog: PERMISSIVE (namespace-wide policy mailhog/default)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "namespace UNSET inherits mesh STRICT",
            [MeshWide("STRICT"), Policy("mailhog", "default", """{"mtls": {"mode": "UNSET"}}""")],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default; UNSET in mailhog/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            []
        },
        {
            "mesh UNSET and nothing else: PERMISSIVE default",
            [MeshWide("UNSET")],
            ["mailhog/mailhog: PERMISSIVE (no mode set, Istio's default; UNSET in istio-system/default)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "mesh UNSET, namespace STRICT: the namespace decides alone",
            [MeshWide("UNSET"), Policy("mailhog", "default", """{"mtls": {"mode": "STRICT"}}""")],
            ["mailhog/mailhog: STRICT (namespace-wide policy mailhog/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            []
        },
        {
            "workload policy selecting app=mailhog overrides namespace STRICT",
            [Policy("mailhog", "default", """{"mtls": {"mode": "STRICT"}}"""), Policy("mailhog", "mailhog-open", Selecting(AppMailHog, """{"mtls": {"mode": "PERMISSIVE"}}"""))],
            ["mailhog/mailhog: PERMISSIVE (workload policy mailhog/mailhog-open)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "workload policy whose labels are not all on the workload does not apply",
            [MeshWide("STRICT"), Policy("mailhog", "v2-open", Selecting("""{"app": "mailhog", "version": "v2"}""", """{"mtls": {"mode": "DISABLE"}}"""))],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            []
        },
        {
            "selector with empty matchLabels is namespace-wide",
            [MeshWide("PERMISSIVE"), Policy("mailhog", "all", """{"selector": {"matchLabels": {}}, "mtls": {"mode": "STRICT"}}""")],
            ["mailhog/mailhog: STRICT (namespace-wide policy mailhog/all)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            []
        },
        {
            "port-level DISABLE in a workload policy, workload mode inherited from mesh",
            [MeshWide("STRICT"), Policy("mailhog", "mailhog-smtp", Selecting(AppMailHog, """{"portLevelMtls": {"1025": {"mode": "DISABLE"}}}"""))],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default; UNSET in mailhog/mailhog-smtp)", "  port 8025: STRICT (inherited)", "  port 1025: DISABLE (port-level override in mailhog/mailhog-smtp)"],
            []
        },
        {
            "port-level UNSET takes the workload policy's mode",
            [MeshWide("PERMISSIVE"), Policy("mailhog", "mailhog", Selecting(AppMailHog, """{"mtls": {"mode": "STRICT"}, "portLevelMtls": {"8025": {"mode": "UNSET"}, "1025": {}}}"""))],
            ["mailhog/mailhog: STRICT (workload policy mailhog/mailhog)", "  port 8025: STRICT (inherited; port-level UNSET in mailhog/mailhog)", "  port 1025: STRICT (inherited; port-level UNSET in mailhog/mailhog)"],
            []
        },
        {
            "port-level settings in a namespace-wide policy are ignored",
            [Policy("mailhog", "default", """{"mtls": {"mode": "STRICT"}, "portLevelMtls": {"1025": {"mode": "DISABLE"}}}""")],
            ["mailhog/mailhog: STRICT (namespace-wide policy mailhog/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            ["mailhog/default sets portLevelMtls without a selector; Istio ignores port-level settings"]
        },
        {
            "port-level key that is not a workload port (a Service port by mistake)",
            [Policy("mailhog", "mailhog", Selecting(AppMailHog, """{"mtls": {"mode": "STRICT"}, "portLevelMtls": {"25": {"mode": "DISABLE"}}}"""))],
            ["mailhog/mailhog: STRICT (workload policy mailhog/mailhog)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            ["mailhog/mailhog sets port-level mTLS for port 25, which is not one of the workload's ports (8025, 1025)"]
        },
        {
            "two namespace-wide policies: the oldest wins, whatever the list order",
            [Policy("mailhog", "strict", """{"mtls": {"mode": "STRICT"}}""", Newer), Policy("mailhog", "permissive", """{"mtls": {"mode": "PERMISSIVE"}}""", Older)],
            ["mailhog/mailhog: PERMISSIVE (namespace-wide policy mailhog/permissive)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            ["2 namespace-wide PeerAuthentications apply in mailhog; Istio uses the oldest, mailhog/permissive, and ignores mailhog/strict."]
        },
        {
            "two namespace-wide policies created in the same second: the name decides",
            [Policy("mailhog", "b-strict", """{"mtls": {"mode": "STRICT"}}"""), Policy("mailhog", "a-disable", """{"mtls": {"mode": "DISABLE"}}""")],
            ["mailhog/mailhog: DISABLE (namespace-wide policy mailhog/a-disable)", "  port 8025: DISABLE (inherited)", "  port 1025: DISABLE (inherited)"],
            ["Istio uses the oldest, mailhog/a-disable, and ignores mailhog/b-strict."]
        },
        {
            "an older UNSET namespace policy shadows a newer STRICT one",
            [MeshWide("PERMISSIVE"), Policy("mailhog", "placeholder", "{}", Older), Policy("mailhog", "default", """{"mtls": {"mode": "STRICT"}}""", Newer)],
            ["mailhog/mailhog: PERMISSIVE (mesh-wide policy istio-system/default; UNSET in mailhog/placeholder)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            ["Istio uses the oldest, mailhog/placeholder, and ignores mailhog/default."]
        },
        {
            "two mesh-wide policies: the oldest wins",
            [Policy(Root, "lenient", """{"mtls": {"mode": "PERMISSIVE"}}""", Newer), MeshWide("STRICT", Older)],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            ["2 mesh-wide PeerAuthentications apply in istio-system; Istio uses the oldest, istio-system/default, and ignores istio-system/lenient."]
        },
        {
            "two workload policies selecting MailHog: the oldest wins, with its port overrides",
            [
                Policy("mailhog", "by-app", Selecting(AppMailHog, """{"mtls": {"mode": "STRICT"}, "portLevelMtls": {"1025": {"mode": "PERMISSIVE"}}}"""), Older),
                Policy("mailhog", "by-hash", Selecting("""{"pod-template-hash": "5d8f"}""", """{"mtls": {"mode": "DISABLE"}}"""), Newer),
            ],
            ["mailhog/mailhog: STRICT (workload policy mailhog/by-app)", "  port 8025: STRICT (inherited)", "  port 1025: PERMISSIVE (port-level override in mailhog/by-app)"],
            ["2 workload PeerAuthentications apply in mailhog; Istio uses the oldest, mailhog/by-app, and ignores mailhog/by-hash."]
        },
        {
            "policies in other namespaces do not apply, even with a matching selector",
            [Policy("other", "default", """{"mtls": {"mode": "STRICT"}}"""), Policy("other", "mailhog", Selecting(AppMailHog))],
            ["mailhog/mailhog: PERMISSIVE (no policy, Istio's default)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "a selector policy in the root namespace applies to no workload",
            [MeshWide("PERMISSIVE"), Policy(Root, "mailhog-strict", Selecting(AppMailHog))],
            ["mailhog/mailhog: PERMISSIVE (mesh-wide policy istio-system/default)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            ["istio-system/mailhog-strict has a selector in the root namespace istio-system; Istio ignores selector policies there"]
        },
        {
            "missing spec, null mtls and absent mode are UNSET",
            [
                """{"metadata": {"name": "default", "namespace": "istio-system"}}""",
                Policy("mailhog", "default", """{"mtls": null}"""),
                Policy("mailhog", "mailhog", Selecting(AppMailHog, """{"mtls": {}}""")),
            ],
            ["mailhog/mailhog: PERMISSIVE (no mode set, Istio's default; UNSET in istio-system/default and mailhog/default and mailhog/mailhog)", "  port 8025: PERMISSIVE (inherited)", "  port 1025: PERMISSIVE (inherited)"],
            []
        },
        {
            "items Istio could not load are skipped with the reason",
            [
                MeshWide("STRICT"),
                """{"kind": "PeerAuthentication", "spec": {"mtls": {"mode": "DISABLE"}}}""",
                "[]",
                "null",
                Policy("mailhog", "loose", """{"mtls": {"mode": "LOOSE"}}"""),
                Policy("mailhog", "named-port", Selecting(AppMailHog, """{"portLevelMtls": {"smtp": {"mode": "DISABLE"}}}""")),
                Policy("mailhog", "lowercase", Selecting(AppMailHog, """{"portLevelMtls": {"1025": {"mode": "disable"}}}""")),
            ],
            ["mailhog/mailhog: STRICT (mesh-wide policy istio-system/default)", "  port 8025: STRICT (inherited)", "  port 1025: STRICT (inherited)"],
            [
                "skipped 3 PeerAuthentication item(s) without metadata.namespace and metadata.name.",
                "mailhog/loose: mtls mode \"LOOSE\" is not one of UNSET, STRICT, PERMISSIVE, DISABLE; skipped",
                "mailhog/named-port: portLevelMtls key 'smtp' is not a port number; skipped",
                "mailhog/lowercase: port 1025: mtls mode \"disable\" is not one of",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolves_mailhog_as_istio_does(string scenario, string[] policies, string[] expectedLines, string[] expectedWarnings)
    {
        var resolution = Resolve(policies);

        Assert.True(expectedLines.SequenceEqual(resolution.Describe("mailhog/mailhog")),
            $"{scenario}\nexpected:\n{string.Join('\n', expectedLines)}\nactual:\n{string.Join('\n', resolution.Describe("mailhog/mailhog"))}");
        Assert.Equal(expectedWarnings.Length, resolution.Warnings.Count);
        foreach (var warning in expectedWarnings)
        {
            Assert.Contains(resolution.Warnings, actual => actual.Contains(warning, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Modes_and_sources_are_exposed_per_port_for_the_task_to_check()
    {
        var resolution = Resolve([MeshWide("STRICT"), Policy("mailhog", "mailhog-smtp", Selecting(AppMailHog, """{"portLevelMtls": {"1025": {"mode": "DISABLE"}}}"""))]);

        Assert.Equal("STRICT", resolution.Mode);
        Assert.Equal(
            [new PortMtls(8025, "STRICT", "inherited"), new PortMtls(1025, "DISABLE", "port-level override in mailhog/mailhog-smtp")],
            resolution.Ports);
    }

    [Fact]
    public void A_workload_in_the_root_namespace_sees_mesh_policies_but_not_root_selector_policies()
    {
        string[] policies = [MeshWide("PERMISSIVE"), Policy(Root, "gateway-strict", Selecting("""{"istio": "ingressgateway"}"""))];

        var resolution = Resolve(policies, workloadNamespace: Root, labels: new() { ["istio"] = "ingressgateway" }, ports: [8080]);

        Assert.Equal(["istio-system/ingressgateway: PERMISSIVE (mesh-wide policy istio-system/default)", "  port 8080: PERMISSIVE (inherited)"],
            resolution.Describe("istio-system/ingressgateway"));
        Assert.Contains(resolution.Warnings, warning => warning.StartsWith("istio-system/gateway-strict has a selector", StringComparison.Ordinal));
    }

    [Fact]
    public void The_root_namespace_is_a_parameter()
    {
        string[] policies = [Policy("istio-config", "default", """{"mtls": {"mode": "STRICT"}}"""), MeshWide("DISABLE")];

        var resolution = Resolve(policies, root: "istio-config");

        Assert.Equal("STRICT", resolution.Mode);
        Assert.Equal("mesh-wide policy istio-config/default", resolution.Source);
    }

    [Fact]
    public void Reads_the_items_of_a_kubectl_list_and_repeated_ports_once()
    {
        var list = JsonNode.Parse($$"""{"apiVersion": "v1", "kind": "List", "items": [{{MeshWide("STRICT")}}]}""")!;

        var resolution = EffectiveMtls.Resolve(list["items"]!.AsArray(), Root, "mailhog", MailHogLabels, [8025, 8025]);

        Assert.Equal([new PortMtls(8025, "STRICT", "inherited")], resolution.Ports);
    }

    private static MtlsResolution Resolve(
        string[] policies, string root = Root, string workloadNamespace = "mailhog", Dictionary<string, string>? labels = null, int[]? ports = null) =>
        EffectiveMtls.Resolve(policies.Select(json => JsonNode.Parse(json)), root, workloadNamespace, labels ?? MailHogLabels, ports ?? MailHogPorts);
}
