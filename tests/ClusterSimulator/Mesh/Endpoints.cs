using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>A Service's endpoints as kube-proxy would route to them: the pods its selector picks that are Ready.</summary>
public static class Endpoints
{
    public static IEnumerable<JsonObject> Ready(ObjectStore store, JsonObject service) => Selected(store, service).Where(IsReady);

    /// <summary>The pods in the Service's namespace its selector matches; none for a Service without a selector.</summary>
    public static IReadOnlyList<JsonObject> Selected(ObjectStore store, JsonObject service)
    {
        if (service["spec"]?["selector"] is not JsonObject { Count: > 0 } selector)
        {
            return [];
        }

        // A Service's selector is a plain map: the matchLabels of a label selector.
        var matchLabels = new JsonObject { ["matchLabels"] = selector.DeepClone() };
        var pods = store.List(ObjectStore.Kind("Pod"), ObjectStore.Namespace(service), LabelSelector.Parse(null), _ => true)["items"] as JsonArray ?? [];
        return [.. pods.OfType<JsonObject>().Where(p => SelectorMatch.Matches(matchLabels, ObjectStore.Labels(p)))];
    }

    /// <summary>Status condition Ready=True.</summary>
    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True");

    /// <summary>The port on the pod a Service port sends to: its targetPort, by number or by a container port's name.</summary>
    public static int TargetPort(JsonObject servicePort, JsonObject pod)
    {
        var port = Number(servicePort["port"]);
        var target = servicePort["targetPort"];
        if (target is null)
        {
            return port;
        }

        if (int.TryParse(target.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var name = target.ToString();
        return (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(p => (string?)p["name"] == name)
            .Select(p => Number(p["containerPort"]))
            .FirstOrDefault(port);
    }

    /// <summary>A port number however the body stored it (an int, a long, a JSON element); 0 when it is none.</summary>
    public static int Number(JsonNode? node) =>
        int.TryParse(node?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
