using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.EndToEnd.Tests;

/// <summary>Issue 7: the second half of the chain, checked as a user would after `./build.sh`.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MeshChainCollection.Name)]
public sealed class MeshChainTests(MeshChain chain)
{
    private SimulatedMesh Mesh => chain.Mesh;

    private string Host => $"mailhog.{GatewayIp}.sslip.io";

    private string GatewayIp => (string)Mesh.KubectlJson("get", "service", "istio-ingressgateway", "-n", "istio-ingress")["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!;

    [Fact]
    public void The_whole_chain_succeeds_task_by_task()
    {
        Assert.True(chain.First.ExitCode == 0, chain.First.ToString());
        foreach (var task in new[] { "InstallIstioInit", "InstallIstio", "ConfigureGateway", "DeployMailHog", "EnforceMtls", "VerifyDashboards" })
        {
            Assert.Matches($@"{task}\s+\S+\s+Succeeded", chain.First.Output);
        }
    }

    [Fact]
    public void Gateway_virtual_service_and_peer_authentication_are_there_as_a_user_lists_them()
    {
        var items = Mesh.KubectlJson("get", "gateway,virtualservice,peerauthentication", "-A")["items"]!.AsArray()
            .ToDictionary(item => $"{item!["kind"]}/{item["metadata"]!["namespace"]}/{item["metadata"]!["name"]}", item => item!);

        var gateway = items["Gateway/istio-ingress/mesh-gateway"]["spec"]!;
        Assert.Equal("ingressgateway", (string?)gateway["selector"]!["istio"]);
        var https = gateway["servers"]!.AsArray().Single(server => (int?)server!["port"]!["number"] == 443)!;
        Assert.Equal(("SIMPLE", "mesh-gateway-tls"), ((string?)https["tls"]!["mode"], (string?)https["tls"]!["credentialName"]));
        Assert.Equal([Host], https["hosts"]!.AsArray().Select(host => (string)host!));
        var http = gateway["servers"]!.AsArray().Single(server => (int?)server!["port"]!["number"] == 80)!;
        Assert.True((bool)http["tls"]!["httpsRedirect"]!);

        var route = items["VirtualService/mailhog/mailhog"]["spec"]!;
        Assert.Equal(Host, (string?)route["hosts"]![0]);
        Assert.Equal("istio-ingress/mesh-gateway", (string?)route["gateways"]![0]);
        Assert.Equal(8025, (int?)route["http"]![0]!["route"]![0]!["destination"]!["port"]!["number"]);

        Assert.Equal("STRICT", (string?)items["PeerAuthentication/istio-system/default"]["spec"]!["mtls"]!["mode"]);
    }

    [Fact]
    public void The_gateway_secret_holds_a_certificate_for_the_host_chained_to_our_CA()
    {
        var secret = Mesh.KubectlJson("get", "secret", "mesh-gateway-tls", "-n", "istio-ingress");
        var ca = X509Certificate2.CreateFromPem(Data(secret, "ca.crt"));
        var server = X509Certificate2.CreateFromPem(Data(secret, "tls.crt"));

        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        Assert.Equal(server.Issuer, ca.Subject);
        Assert.Contains(Host, server.GetNameInfo(X509NameType.DnsName, forIssuer: false), StringComparison.Ordinal);
        Assert.True(server.NotAfter > DateTime.UtcNow.AddDays(300));
    }

    [Fact]
    public void MailHog_pods_run_istio_proxy_and_its_service_declares_smtp_as_tcp()
    {
        var pods = Mesh.KubectlJson("get", "pods", "-n", "mailhog", "-l", "app=mailhog")["items"]!.AsArray();
        var service = Mesh.KubectlJson("get", "service", "mailhog", "-n", "mailhog");

        Assert.NotEmpty(pods);
        Assert.All(pods, pod => Assert.Contains(pod!["spec"]!["containers"]!.AsArray(), container => (string?)container!["name"] == "istio-proxy"));
        Assert.Equal(["tcp-smtp", "http"], service["spec"]!["ports"]!.AsArray().Select(port => (string)port!["name"]!));
        Assert.Equal("enabled", (string?)Mesh.KubectlJson("get", "namespace", "mailhog")["metadata"]!["labels"]!["istio-injection"]);
    }

    [Fact]
    public void The_mtls_proof_called_from_a_pod_without_a_sidecar_and_was_refused_and_from_inside_and_got_200()
    {
        var calls = Mesh.Cluster.Store.Telemetry.Calls.Where(call => call.DestinationService == "mailhog").ToList();
        var outside = calls.First(call => call.SourceWorkload == "mtls-probe-outside");
        var inside = calls.First(call => call.SourceWorkload == "mtls-probe-inside");

        Assert.False(outside.SourceSidecar);
        Assert.Equal(56, outside.ExitCode);
        Assert.True(inside.SourceSidecar);
        Assert.Equal(200, inside.ResponseCode);
        Assert.Contains("mTLS is enforced: plaintext from outside the mesh: refused (curl 56); mutual TLS from inside the mesh: HTTP 200", chain.First.Output, StringComparison.Ordinal);
        Assert.Contains("plaintext from outside the mesh: refused (curl 56)\n", chain.First.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP 000", chain.First.Output, StringComparison.Ordinal);
        Assert.Contains("mailhog/mailhog: STRICT (mesh-wide policy istio-system/default)", chain.First.Output, StringComparison.Ordinal);
        Assert.Empty(Mesh.KubectlJson("get", "jobs", "-n", "mailhog")["items"]!.AsArray());
    }

    [Fact]
    public void The_run_closes_with_where_MailHog_and_the_dashboards_are_and_what_was_proven()
    {
        var output = chain.First.Output.ReplaceLineEndings("\n");
        var closing = output[output.LastIndexOf("Summary: ", StringComparison.Ordinal)..];

        Assert.Matches(@"^Summary: 7 tasks \(1 skipped, 6 succeeded\); [1-9]\d* created, 0 changed, 0 unchanged; proofs: \d+ proven\.\n", closing);
        Assert.Contains("  EnforceMtls: plaintext from outside the mesh and mutual TLS from inside: mTLS is enforced: plaintext from outside the mesh: refused (curl 56)", closing, StringComparison.Ordinal);
        Assert.Contains("Skipped:\n  ConfigureExternalDns: DNS is off (dns-provider=none)", closing, StringComparison.Ordinal);
        Assert.Matches(@"\n  MailHog\s+https://mailhog\.[\d.]+\.sslip\.io/\n", closing);
        Assert.Matches(@"\n  trust our CA\s+kubectl -n istio-ingress get secret mesh-gateway-ca -o jsonpath='\{\.data\.ca\\\.crt\}' \| base64 -d > mesh-ca\.crt; curl --cacert mesh-ca\.crt https://mailhog\.", closing);
        Assert.Contains("  Kiali         kubectl port-forward -n istio-system svc/kiali 20001:20001, then http://localhost:20001/kiali/\n", closing, StringComparison.Ordinal);
        Assert.Contains("  Grafana       kubectl port-forward -n istio-system svc/grafana 3000:3000, then http://localhost:3000/\n", closing, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyDashboards_reports_each_dashboard_and_the_mutual_tls_requests()
    {
        foreach (var dashboard in new[] { "Prometheus", "Grafana", "Kiali", "Jaeger" })
        {
            Assert.Matches($@"{dashboard}\s+healthy\s+kubectl port-forward -n istio-system svc/", chain.First.Output);
        }

        Assert.Matches(@"istio_requests_total to mailhog over mutual TLS: [1-9]\d* requests", chain.First.Output);
    }

    [Fact]
    public void A_second_run_keeps_the_certificate_and_writes_nothing_but_its_probe_jobs()
    {
        Assert.True(chain.Second.ExitCode == 0, chain.Second.ToString());
        Assert.Contains("gateway certificate: kept: valid until", chain.Second.Output, StringComparison.Ordinal);
        Assert.Contains("secret/mesh-gateway-tls in istio-ingress: already right", chain.Second.Output, StringComparison.Ordinal);
        var writes = chain.Second.Writes.Where(write => !write.Path.StartsWith("/apis/batch/v1/namespaces/mailhog/jobs", StringComparison.Ordinal)).ToList();
        Assert.True(writes.Count == 0, "writes besides the probe Jobs: " + string.Join(", ", writes.Select(write => $"{write.Verb} {write.Path}")));
    }

    private static string Data(JsonNode secret, string key) => Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![key]!));
}
