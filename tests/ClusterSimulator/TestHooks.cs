using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.ClusterSimulator;

/// <summary>
/// What tests reach around the Kubernetes API: the request log, the admin paths under <c>/_sim</c>
/// (<c>GET|DELETE /_sim/requests</c>, <c>POST|DELETE /_sim/faults</c>) and fault injection.
/// </summary>
public sealed class TestHooks(RequestLog log, Faults faults)
{
    public const string AdminPrefix = "/_sim";

    private const string FaultItem = "sim.fault";

    /// <summary>
    /// Outermost: records every request but the admin ones, as its answer starts (so a client that has
    /// its answer finds it in the log) or, when none is sent, as the request ends.
    /// </summary>
    public async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var time = DateTimeOffset.UtcNow;
        var request = context.Request;
        if (request.Path.StartsWithSegments(AdminPrefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var recorded = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                var fault = context.Items[FaultItem] as FaultRule;
                log.Add(new RequestRecord(
                    time,
                    request.Method,
                    request.Path.Value ?? "/",
                    request.QueryString.Value ?? "",
                    fault?.Kind == FaultKind.Abort ? 0 : context.Response.StatusCode,
                    request.ContentType,
                    request.Headers.UserAgent.ToString(),
                    fault?.Describe()));
            }
        }

        context.Response.OnStarting(() =>
        {
            Record();
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            Record();
        }
    }

    /// <summary>After authentication: the admin paths, then any fault that matches the request.</summary>
    public async Task AdminOrFaultAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments(AdminPrefix, StringComparison.Ordinal))
        {
            try
            {
                await AdminAsync(context);
            }
            catch (ApiError error)
            {
                await ApiServer.WriteAsync(context, error.Code, error.ToStatus());
            }

            return;
        }

        var fault = faults.Next(request.Method, request.Path.Value ?? "/", request.Headers.UserAgent.ToString());
        context.Items[FaultItem] = fault;
        switch (fault?.Kind)
        {
            case FaultKind.Status:
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                var error = fault.ToError();
                var status = error.ToStatus();
                if (fault.RetryAfterSeconds is { } retry)
                {
                    status["details"] = new JsonObject { ["retryAfterSeconds"] = retry };
                }

                await ApiServer.WriteAsync(context, error.Code, status);
                return;
            case FaultKind.Abort:
                context.Abort();
                return;
            case FaultKind.Latency:
                await Task.Delay(fault.Latency, context.RequestAborted);
                break;
        }

        await next(context);
    }

    private async Task AdminAsync(HttpContext context)
    {
        var method = context.Request.Method;
        switch (context.Request.Path.Value?.TrimEnd('/'))
        {
            case AdminPrefix + "/requests" when HttpMethods.IsGet(method):
                await ApiServer.WriteAsync(context, 200, log.ToJson());
                return;
            case AdminPrefix + "/requests" when HttpMethods.IsDelete(method):
                log.Clear();
                context.Response.StatusCode = 204;
                return;
            case AdminPrefix + "/faults" when HttpMethods.IsPost(method):
                try
                {
                    using var reader = new StreamReader(context.Request.Body);
                    var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject
                        ?? throw ApiError.BadRequest("a fault is a JSON object");
                    faults.Add(FaultRule.FromJson(body));
                }
                catch (Exception error) when (error is System.Text.Json.JsonException or InvalidOperationException or FormatException or ArgumentException)
                {
                    throw ApiError.BadRequest($"invalid fault: {error.Message}");
                }

                context.Response.StatusCode = 201;
                return;
            case AdminPrefix + "/faults" when HttpMethods.IsDelete(method):
                faults.Clear();
                context.Response.StatusCode = 204;
                return;
            default:
                throw new ApiError(404, "NotFound", $"no simulator admin endpoint {method} {context.Request.Path}");
        }
    }
}
