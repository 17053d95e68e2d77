using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.ClusterSimulator;

/// <summary>
/// <c>GET /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH</c>: the API server's service
/// proxy, answering for the observability add-ons the pipeline checks. Which add-on a Service is comes
/// from its name, else its selector's <c>app</c> (or <c>app.kubernetes.io/name</c>) label: one containing
/// <c>kiali</c>, <c>grafana</c>, <c>prometheus</c>, or <c>jaeger</c>/<c>tracing</c>. The Service must exist
/// (else 404) and select at least one Ready pod (else 503, as the real proxy answers "no endpoints").
/// Served paths: Kiali <c>/kiali/healthz</c>; Grafana <c>/api/health</c>; Prometheus <c>/-/ready</c>,
/// <c>/-/healthy</c> and <c>/api/v1/query</c> (see <see cref="PrometheusQuery"/>); Jaeger <c>/status</c> on
/// port 13133 (its health check extension) and <c>/</c> (the UI) on any other port. Anything else is 404.
/// </summary>
public static class ServiceProxy
{
    public static async Task<(int Code, JsonNode? Body)> HandleAsync(HttpContext context, ObjectStore store, string ns, string target, string[] path)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            throw new ApiError(405, "MethodNotAllowed", $"the simulated service proxy serves GET only, not {context.Request.Method}");
        }

        var parts = target.Split(':');
        var (name, portName) = parts switch
        {
            [var n] => (n, ""),
            [var n, var p] => (n, p),
            [_, var n, var p] => (n, p),
            _ => throw ApiError.BadRequest($"invalid service request {target}"),
        };
        var service = store.Get(ObjectStore.Kind("Service"), ns, name);
        var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var port = portName.Length == 0
            ? ports.FirstOrDefault()
            : ports.FirstOrDefault(p => (string?)p["name"] == portName || p["port"]?.ToString() == portName);
        if (port is null)
        {
            throw new ApiError(503, "ServiceUnavailable", $"no service port \"{portName}\" found for service \"{name}\"");
        }

        if (!Endpoints.Ready(store, service).Any())
        {
            throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
        }

        var route = "/" + string.Join('/', path);
        var number = Endpoints.Number(port["port"]);
        var answer = AddOnOf(service) switch
        {
            "kiali" when route == "/kiali/healthz" => Text(200, ""),
            "grafana" when route == "/api/health" => Json(200, new JsonObject { ["commit"] = "simulated", ["database"] = "ok", ["version"] = "12.0.0" }),
            "prometheus" when route == "/-/ready" => Text(200, "Prometheus Server is Ready.\n"),
            "prometheus" when route == "/-/healthy" => Text(200, "Prometheus Server is Healthy.\n"),
            "prometheus" when route == "/api/v1/query" => PrometheusQuery.Answer(store.MeshOptions.PrometheusScrapesSidecars ? store.Telemetry.Calls : [], context.Request.Query["query"].ToString()),
            "jaeger" when route == "/status" && number == 13133 => Json(200, new JsonObject { ["status"] = "Server available", ["upSince"] = DateTime.UtcNow.ToString("O"), ["uptime"] = "1m0s" }),
            "jaeger" when route == "/" && number != 13133 => Text(200, "<!doctype html><html><head><title>Jaeger UI</title></head><body></body></html>", "text/html; charset=utf-8"),
            _ => Text(404, "404 page not found\n"),
        };

        context.Response.StatusCode = answer.Code;
        context.Response.ContentType = answer.ContentType;
        await context.Response.WriteAsync(answer.Body);
        return (answer.Code, null);
    }

    private static string? AddOnOf(JsonObject service)
    {
        var names = new[]
        {
            (string?)service["metadata"]?["name"],
            (string?)service["spec"]?["selector"]?["app"],
            (string?)service["spec"]?["selector"]?["app.kubernetes.io/name"],
        };
        foreach (var candidate in names.OfType<string>())
        {
            foreach (var addOn in new[] { "kiali", "grafana", "prometheus", "jaeger", "tracing" })
            {
                if (candidate.Contains(addOn, StringComparison.Ordinal))
                {
                    return addOn == "tracing" ? "jaeger" : addOn;
                }
            }
        }

        return null;
    }

    private static (int Code, string ContentType, string Body) Text(int code, string body, string contentType = "text/plain; charset=utf-8") => (code, contentType, body);

    private static (int Code, string ContentType, string Body) Json(int code, JsonNode body) => (code, "application/json", body.ToJsonString());
}
