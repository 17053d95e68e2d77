using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.ClusterSimulator;

/// <summary>
/// <c>GET ...?watch=true</c> on a list path: a chunked stream of JSON watch events, one per line, until
/// <c>timeoutSeconds</c>, the client hanging up or the server stopping.
/// </summary>
public static class WatchStream
{
    public const string InitialEventsEnd = "k8s.io/initial-events-end";

    public static async Task ServeAsync(HttpContext context, ObjectStore store, ResourceKind kind, string? ns, LabelSelector labels, Func<JsonObject, bool> fields)
    {
        var query = context.Request.Query;
        var from = ParseResourceVersion(query["resourceVersion"]);
        bool? sendInitialEvents = query["sendInitialEvents"].ToString() switch
        {
            "" => null,
            "true" => true,
            "false" => false,
            var other => throw ApiError.BadRequest($"invalid sendInitialEvents \"{other}\""),
        };
        if (sendInitialEvents is not null && query["resourceVersionMatch"] != "NotOlderThan")
        {
            throw new ApiError(422, "Invalid", "resourceVersionMatch: Forbidden: sendInitialEvents requires resourceVersionMatch=NotOlderThan");
        }

        var bookmarks = query["allowWatchBookmarks"] == "true";
        var initial = sendInitialEvents ?? from is null;
        TimeSpan? timeout = query["timeoutSeconds"].ToString() is { Length: > 0 } seconds
            ? int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : throw ApiError.BadRequest($"invalid timeoutSeconds \"{seconds}\"")
            : null;
        bool Selected(JsonObject obj) => (ns is null || ObjectStore.Namespace(obj) == ns) && labels.Matches(ObjectStore.Labels(obj)) && fields(obj);

        // Subscribe before listing: events the list already shows are skipped by resourceVersion below.
        using var subscription = store.Events.Subscribe(kind, initial ? null : from);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        if (subscription is null)
        {
            var expired = new ApiError(410, "Expired", $"too old resource version: {from} ({store.Events.OldestResourceVersion(kind)})").ToStatus();
            await WriteEventAsync(response, "ERROR", expired, context.RequestAborted);
            return;
        }

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (timeout is { } after)
        {
            end.CancelAfter(after);
        }

        try
        {
            await response.StartAsync(end.Token);
            await response.Body.FlushAsync(end.Token);
            long last;
            if (initial)
            {
                var list = store.List(kind, ns, labels, fields);
                last = long.Parse((string)list["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
                foreach (var item in list["items"]!.AsArray())
                {
                    await WriteEventAsync(response, "ADDED", item!, end.Token);
                }

                if (sendInitialEvents is true && bookmarks)
                {
                    await WriteEventAsync(response, "BOOKMARK", Bookmark(kind, last), end.Token);
                }
            }
            else
            {
                last = from ?? 0;
            }

            foreach (var change in subscription.Replay)
            {
                last = await SendAsync(change, last);
            }

            while (true)
            {
                last = await SendAsync(await subscription.Live.ReadAsync(end.Token), last);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
            // The stream ends: timeoutSeconds passed, the client went away or the server is stopping.
        }

        async Task<long> SendAsync(WatchEvent change, long last)
        {
            if (change.ResourceVersion <= last)
            {
                return last;
            }

            // As on the real server, an object that changes into a watch's selection is ADDED to it,
            // and one that changes out of it is DELETED from it.
            var type = (change.Type, Selected(change.Object), change.Previous is { } before && Selected(before)) switch
            {
                ("MODIFIED", true, false) => "ADDED",
                ("MODIFIED", false, true) => "DELETED",
                (_, true, _) => change.Type,
                _ => null,
            };
            if (type is not null)
            {
                await WriteEventAsync(response, type, change.Object, end.Token);
            }

            return change.ResourceVersion;
        }
    }

    /// <summary>The BOOKMARK that ends a watch list's initial events, with the kind's own group-version.</summary>
    public static JsonObject Bookmark(ResourceKind kind, long resourceVersion) => new()
    {
        ["kind"] = kind.Kind,
        ["apiVersion"] = kind.ApiVersion,
        ["metadata"] = new JsonObject
        {
            ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = null,
            ["annotations"] = new JsonObject { [InitialEventsEnd] = "true" },
        },
    };

    private static long? ParseResourceVersion(string? text) => text switch
    {
        null or "" or "0" => null,
        _ when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) => rv,
        _ => throw ApiError.BadRequest($"invalid resource version \"{text}\""),
    };

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonNode obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
