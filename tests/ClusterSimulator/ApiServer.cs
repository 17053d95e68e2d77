using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.ClusterSimulator;

/// <summary>Turns API requests (paths, verbs, query, bodies) into <see cref="ObjectStore"/> calls.</summary>
public sealed class ApiServer(ObjectStore store)
{
    public static readonly JsonObject Version = new()
    {
        ["major"] = "1",
        ["minor"] = "35",
        ["gitVersion"] = "v1.35.2",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.25.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var (code, body) = await DispatchAsync(context);
            if (body is not null)
            {
                await WriteAsync(context, code, body);
            }
        }
        catch (ApiError error)
        {
            await WriteAsync(context, error.Code, error.ToStatus());
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            // A bug in the simulator: say so in the Status, so the failing test shows it.
            await WriteAsync(context, 500, new ApiError(500, "InternalError", $"simulator error: {error}").ToStatus());
        }
    }

    public static Task WriteAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task<(int Code, JsonNode? Body)> DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["healthz" or "readyz" or "livez"]:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok");
                return (200, null);
            case ["version"]:
                return (200, Version.DeepClone());
            case ["openapi", "v3"]:
                return (200, OpenApi.Index(store.Kinds.All));
            case ["openapi", "v3", .. var document]:
                return (200, OpenApi.Document(store.Kinds.All, string.Join('/', document)) ?? throw NotFoundPath(request));
            case ["api"]:
                return (200, Discovery.Versions(request.Host.Value ?? "127.0.0.1"));
            case ["apis"]:
                return (200, Discovery.Groups(store.Kinds.All));
            case ["apis", var group]:
                return (200, Discovery.Group(store.Kinds.All, group) ?? throw NotFoundPath(request));
            case ["api", var version]:
                return (200, Discovery.Resources(store.Kinds.All, "", version) ?? throw NotFoundPath(request));
            case ["apis", var group, var version]:
                return (200, Discovery.Resources(store.Kinds.All, group, version) ?? throw NotFoundPath(request));
            case ["api", "v1", "namespaces", var ns, "services", var service, "proxy", .. var path]:
                return await ServiceProxy.HandleAsync(context, store, ns, service, path);
            case ["api", var version, .. var rest]:
                return await ResourceAsync(context, "", version, rest);
            case ["apis", var group, var version, .. var rest]:
                return await ResourceAsync(context, group, version, rest);
            default:
                throw NotFoundPath(request);
        }
    }

    private async Task<(int Code, JsonNode? Body)> ResourceAsync(HttpContext context, string group, string version, string[] rest)
    {
        var kinds = store.Kinds.All.Where(k => k.Group == group && k.Version == version).ToList();
        ResourceKind? Find(string plural) => kinds.FirstOrDefault(k => k.Plural == plural);

        // /namespaces/{ns}/{plural}[/{name}[/{sub}]] addresses namespaced kinds; anything else is
        // /{plural}[/{name}[/{sub}]], cluster-scoped or a list across all namespaces.
        string? ns = null;
        if (rest is ["namespaces", var n, var plural, ..] && Find(plural) is { Namespaced: true })
        {
            ns = n;
            rest = rest[2..];
        }

        var kind = rest.Length is > 0 and <= 3 ? Find(rest[0]) : null;
        if (kind is null || (rest.Length == 3 && !(rest[2] == "status" && kind.HasStatus) && !kind.Subresources.Contains(rest[2])))
        {
            throw NotFoundPath(context.Request);
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var statusOnly = rest.Length == 3;
        var query = context.Request.Query;
        var dryRun = query["dryRun"].ToString() == "All";
        var method = context.Request.Method;
        ObjectStore.WriteAs(method == HttpMethods.Get ? null : ObjectStore.ManagerName(query["fieldManager"], context.Request.Headers.UserAgent));

        if (name is null)
        {
            if (method == HttpMethods.Get)
            {
                if (kind.Namespaced is false && ns is not null)
                {
                    throw NotFoundPath(context.Request);
                }

                if (query["watch"] is ["true" or "1"])
                {
                    await WatchStream.ServeAsync(context, store, kind, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector(query["fieldSelector"]));
                    return (200, null);
                }

                var list = store.List(kind, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector(query["fieldSelector"]));
                return (200, PartialMetadata.Wanted(context.Request, list: true) ? PartialMetadata.OfList(list) : list);
            }

            if (method == HttpMethods.Delete)
            {
                if (kind.Namespaced && ns is null)
                {
                    throw new ApiError(405, "MethodNotAllowed", $"deletecollection of {kind.GroupResource} needs a namespace here");
                }

                ObjectStore.DeleteWith(await PropagationPolicyAsync(context.Request));
                return (200, store.DeleteCollection(kind, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector(query["fieldSelector"]), dryRun));
            }

            if (method == HttpMethods.Post)
            {
                var body = await BodyAsync(context.Request);
                Warn(context, StrictFields.Check(kind, query["fieldValidation"], body));
                return (dryRun ? 200 : 201, store.Create(kind, ns, body, dryRun));
            }

            throw MethodNotAllowed(method, kind);
        }

        if (rest is [_, _, "log"])
        {
            return await PodLog.ServeAsync(context, store, ns, name);
        }

        if (rest is [_, _, "token"])
        {
            return method == HttpMethods.Post
                ? (201, ServiceAccountToken.Issue(store, kind, ns!, name, await BodyAsync(context.Request)))
                : throw MethodNotAllowed(method, kind);
        }

        if (rest is [_, _, "scale"])
        {
            return (200, ScaleSubresource.Serve(store, kind, ns, name, context.Request.Method, context.Request.Method == HttpMethods.Get ? null : await BodyAsync(context.Request)));
        }

        if (method == HttpMethods.Get)
        {
            var obj = store.Get(kind, ns, name);
            return (200, PartialMetadata.Wanted(context.Request, list: false) ? PartialMetadata.Of(obj) : obj);
        }

        if (method == HttpMethods.Put)
        {
            var body = await BodyAsync(context.Request);
            Warn(context, StrictFields.Check(kind, query["fieldValidation"], body));
            return (200, store.Replace(kind, ns, name, body, statusOnly, dryRun));
        }

        if (method == HttpMethods.Patch)
        {
            var mediaType = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (mediaType == "application/json-patch+json")
            {
                using var reader = new StreamReader(context.Request.Body);
                return (200, store.JsonPatch(kind, ns, name, JsonPatch.Parse(await reader.ReadToEndAsync()), statusOnly, dryRun));
            }

            var patch = await BodyAsync(context.Request);
            var applying = mediaType == "application/apply-patch+yaml";
            Warn(context, StrictFields.Check(kind, query["fieldValidation"], patch, applying ? (ns, name) : null, patch: !applying));
            switch (mediaType)
            {
                case "application/merge-patch+json":
                    return (200, store.MergePatch(kind, ns, name, patch, statusOnly, dryRun));
                case "application/strategic-merge-patch+json":
                    return (200, store.StrategicMergePatch(kind, ns, name, patch, statusOnly, dryRun));
                case "application/apply-patch+yaml" when !statusOnly:
                    if (string.IsNullOrEmpty(query["fieldManager"]))
                    {
                        throw ApiError.BadRequest("PATCH with application/apply-patch+yaml requires the fieldManager query parameter");
                    }

                    var (applied, created) = store.Apply(kind, ns, name, patch, query["fieldManager"]!, query["force"] == "true", dryRun);
                    return (created && !dryRun ? 201 : 200, applied);
                default:
                    throw new ApiError(415, "UnsupportedMediaType", $"the simulated API server does not serve PATCH with {mediaType} yet");
            }
        }

        if (method == HttpMethods.Delete && !statusOnly)
        {
            ObjectStore.DeleteWith(await PropagationPolicyAsync(context.Request));
            return (200, store.Delete(kind, ns, name, dryRun));
        }

        throw MethodNotAllowed(method, kind);
    }

    // Each warning as its own Warning header, as the real server sends them; clients print them all.
    private static void Warn(HttpContext context, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
        {
            context.Response.Headers.Append("Warning", StrictFields.WarningHeader(warning));
        }
    }

    private static async Task<JsonObject> BodyAsync(HttpRequest request) =>
        Bodies.Parse(await RawBodyAsync(request), request.ContentType);

    private static async Task<byte[]> RawBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    // From the query, else from the DeleteOptions body kubectl sends.
    private static async Task<string?> PropagationPolicyAsync(HttpRequest request)
    {
        if (request.Query["propagationPolicy"] is [{ Length: > 0 } fromQuery])
        {
            return fromQuery;
        }

        var body = await RawBodyAsync(request);
        return body.Length == 0 ? null : (string?)Bodies.Parse(body, request.ContentType)["propagationPolicy"];
    }

    private static Func<JsonObject, bool> FieldSelector(string? text)
    {
        var tests = new List<Func<JsonObject, bool>>();
        foreach (var term in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2)
            {
                throw ApiError.BadRequest($"invalid field selector term \"{term}\"");
            }

            var value = parts[1].Trim();
            Func<JsonObject, string?> field = parts[0].Trim() switch
            {
                "metadata.name" => o => (string?)o["metadata"]?["name"],
                "metadata.namespace" => o => (string?)o["metadata"]?["namespace"] ?? "",
                var other => throw ApiError.BadRequest($"field label not supported: {other}"),
            };
            tests.Add(o => (field(o) == value) != negate);
        }

        return o => tests.All(t => t(o));
    }

    private static ApiError NotFoundPath(HttpRequest request) =>
        new(404, "NotFound", $"the server could not find the requested resource ({request.Method} {request.Path})");

    private static ApiError MethodNotAllowed(string method, ResourceKind kind) =>
        new(405, "MethodNotAllowed", $"the simulated API server does not serve {method} here for {kind.GroupResource}");
}
