using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Build.Charts;

namespace Mesh.Build.Tests.Charts;

/// <summary>helm's storage, as helm 3 and 4 write it: a Secret per revision, its data base64 of base64 of gzipped JSON.</summary>
public sealed class ReleaseRecordTests
{
    [Fact]
    public void A_record_is_read_from_helms_double_encoded_gzipped_json()
    {
        var release = new JsonObject
        {
            ["name"] = "istiod",
            ["version"] = 3,
            ["info"] = new JsonObject { ["status"] = "deployed" },
            ["chart"] = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "istiod", ["version"] = "1.31.1" } },
            ["config"] = new JsonObject { ["revision"] = "" },
            ["manifest"] = "---\nkind: ConfigMap\n",
        };

        var record = ReleaseRecord.Decode(Convert.ToBase64String(Encoding.UTF8.GetBytes(HelmEncoded(release))), "istio-system", fromSecret: true);

        Assert.Equal(("istiod", 3, "deployed", "istiod-1.31.1", true), (record.Name, record.Revision, record.Status, record.Chart, record.IsDeployed));
        Assert.Equal("""{"revision":""}""", record.Values.ToJsonString());
        Assert.Equal("---\nkind: ConfigMap\n", record.Manifest);
    }

    [Fact]
    public void A_configmap_record_is_base64_once()
    {
        var release = new JsonObject { ["name"] = "web", ["version"] = 1, ["info"] = new JsonObject { ["status"] = "pending-install" } };

        var record = ReleaseRecord.Decode(HelmEncoded(release), "default", fromSecret: false);

        Assert.Equal("pending-install", record.Status);
        Assert.False(record.IsDeployed);
    }

    private static string HelmEncoded(JsonObject release)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        }

        return Convert.ToBase64String(buffer.ToArray());
    }
}
