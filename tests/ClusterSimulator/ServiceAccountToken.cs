using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// <c>POST .../serviceaccounts/NAME/token</c> (what <c>kubectl create token</c> sends): a TokenRequest
/// answered with a token for the account, shaped as a JWT (header, claims, signature) with the claims the
/// real issuer puts in. Nothing here verifies it; the simulator's one bearer token stays the only credential.
/// </summary>
public static class ServiceAccountToken
{
    public static JsonObject Issue(ObjectStore store, ResourceKind kind, string ns, string name, JsonObject request)
    {
        var account = store.Get(kind, ns, name);
        var spec = request["spec"] as JsonObject ?? [];
        var seconds = spec["expirationSeconds"]?.GetValue<long>() ?? 3600;
        if (seconds < 600)
        {
            throw FieldError.ToInvalid(kind, name, [FieldError.Invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes")]);
        }

        var audiences = spec["audiences"] as JsonArray is { Count: > 0 } given ? given : new JsonArray("https://kubernetes.default.svc.cluster.local");
        var now = DateTimeOffset.UtcNow;
        var expires = now.AddSeconds(seconds);
        var claims = new JsonObject
        {
            ["aud"] = audiences.DeepClone(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = "https://kubernetes.default.svc.cluster.local",
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = account["metadata"]?["uid"]?.DeepClone() },
            },
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
        };
        var token = string.Join('.',
            Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"kid\":\"simulated\"}")),
            Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString())),
            Base64Url(RandomNumberGenerator.GetBytes(64)));
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["creationTimestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            ["spec"] = new JsonObject
            {
                ["audiences"] = audiences.DeepClone(),
                ["expirationSeconds"] = seconds,
                ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
            },
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        };
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
