using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Which webhooks of the MutatingWebhookConfigurations the API server calls for a write, as kube-apiserver
/// decides: configurations in order of their names, each one's webhooks in order; a webhook is called when
/// one of its <c>rules</c> covers the operation, group, version and resource, its <c>namespaceSelector</c>
/// matches the namespace's labels and its <c>objectSelector</c> the object's (a missing selector matches
/// everything). Where a webhook's <c>clientConfig.service</c> has no Ready endpoint the call fails, and its
/// <c>failurePolicy</c> (Fail unless it says Ignore) decides whether the write is refused.
/// </summary>
public static class MutatingWebhooks
{
    /// <summary>The webhooks called for the write, with the configuration each belongs to.</summary>
    public static IEnumerable<(JsonObject Configuration, JsonObject Webhook)> Called(
        IEnumerable<JsonObject> configurations,
        string operation,
        string group,
        string version,
        string resource,
        IReadOnlyDictionary<string, string> namespaceLabels,
        Func<IReadOnlyDictionary<string, string>> objectLabels)
    {
        foreach (var configuration in configurations.OrderBy(c => (string?)c["metadata"]?["name"], StringComparer.Ordinal).ToList())
        {
            foreach (var webhook in (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>().ToList())
            {
                if (Intercepts(webhook, operation, group, version, resource)
                    && SelectorMatch.Matches(webhook["namespaceSelector"], namespaceLabels)
                    && SelectorMatch.Matches(webhook["objectSelector"], objectLabels()))
                {
                    yield return (configuration, webhook);
                }
            }
        }
    }

    /// <summary>True when one of the webhook's rules covers the request (<c>*</c> matching any value; <c>*/*</c> any resource).</summary>
    public static bool Intercepts(JsonObject webhook, string operation, string group, string version, string resource) =>
        (webhook["rules"] as JsonArray ?? []).OfType<JsonObject>().Any(rule =>
            Has(rule["operations"], operation)
            && Has(rule["apiGroups"], group)
            && Has(rule["apiVersions"], version)
            && (rule["resources"] as JsonArray ?? []).Any(r => (string?)r is var name && (name == "*" || name == "*/*" || name == resource)));

    /// <summary>True unless the webhook's failurePolicy is Ignore: a failed call then refuses the write.</summary>
    public static bool FailsClosed(JsonObject webhook) => (string?)webhook["failurePolicy"] != "Ignore";

    /// <summary>How the real server reports a webhook it could not call.</summary>
    public static ApiError CallFailed(JsonObject webhook, string why)
    {
        var service = webhook["clientConfig"]?["service"];
        var url = service is null
            ? (string?)webhook["clientConfig"]?["url"] ?? ""
            : $"https://{service["name"]}.{service["namespace"]}.svc:{(int?)service["port"] ?? 443}{(string?)service["path"] ?? ""}";
        var timeout = (int?)webhook["timeoutSeconds"] ?? 10;
        return new ApiError(500, "InternalError", $"Internal error occurred: failed calling webhook \"{webhook["name"]}\": failed to call webhook: Post \"{url}?timeout={timeout}s\": {why}");
    }

    private static bool Has(JsonNode? values, string value) =>
        (values as JsonArray ?? []).Any(v => (string?)v is var s && (s == "*" || s == value));
}
