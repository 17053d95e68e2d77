using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Services: an EndpointSlice per selecting service (labelled <c>kubernetes.io/service-name</c>, owned by
/// it) listing each running pod it selects, ready or not as the pod is, as the real controller does;
/// a LoadBalancer service gets <c>status.loadBalancer.ingress[0].ip</c> from 172.18.255.200 upwards
/// after the ready delay (only data: nothing listens there). StatefulSets and DaemonSets report a
/// finished rollout of their replicas (a DaemonSet on one node) without making pods.
/// </summary>
public sealed partial class ControllerManager
{
    private const string ManagedBy = "endpointslice-controller.k8s.io";
    private int _nextLoadBalancerIp = 200;

    private void ReconcileEndpointSlices()
    {
        var pods = All("Pod");
        var slices = All("EndpointSlice");
        foreach (var service in All("Service").Where(s => !Deleting(s) && s["spec"]?["selector"] is JsonObject { Count: > 0 }))
        {
            var ns = Ns(service);
            var selector = new JsonObject { ["matchLabels"] = service["spec"]!["selector"]!.DeepClone() };
            var selected = pods
                .Where(p => Ns(p) == ns && !Deleting(p) && (string?)p["status"]?["phase"] == "Running" && p["status"]?["podIP"] is not null)
                .Where(p => Selects(selector, ObjectStore.Labels(p)))
                .OrderBy(Name, StringComparer.Ordinal)
                .ToList();
            var endpoints = new JsonArray([.. selected.Select(p => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray((string)p["status"]!["podIP"]!),
                ["conditions"] = new JsonObject { ["ready"] = PodReady(p), ["serving"] = PodReady(p), ["terminating"] = false },
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = Name(p), ["uid"] = Uid(p) },
                ["nodeName"] = p["spec"]?["nodeName"]?.DeepClone(),
            })]);
            var ports = new JsonArray();
            foreach (var port in (service["spec"]!["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var target = port["targetPort"] ?? port["port"];
                var number = target is JsonValue v && v.TryGetValue<string>(out var named)
                    ? selected.SelectMany(Containers).SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()).FirstOrDefault(p => (string?)p["name"] == named)?["containerPort"]?.DeepClone()
                    : target?.DeepClone();
                if (number is not null)
                {
                    ports.Add(new JsonObject { ["name"] = port["name"]?.DeepClone() ?? "", ["protocol"] = port["protocol"]?.DeepClone() ?? "TCP", ["port"] = number });
                }
            }

            var existing = slices.FirstOrDefault(s => OwnedBy(s, Uid(service)));
            var labels = new JsonObject { ["kubernetes.io/service-name"] = Name(service), ["endpointslice.kubernetes.io/managed-by"] = ManagedBy };
            if (existing is null)
            {
                store.Create(K("EndpointSlice"), ns, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["generateName"] = Name(service) + "-", ["labels"] = labels, ["ownerReferences"] = OwnerReference(service) },
                    ["addressType"] = "IPv4",
                    ["endpoints"] = endpoints,
                    ["ports"] = ports,
                });
            }
            else if (!JsonNode.DeepEquals(existing["endpoints"], endpoints) || !JsonNode.DeepEquals(existing["ports"], ports))
            {
                existing["endpoints"] = endpoints;
                existing["ports"] = ports;
                existing["metadata"]!.AsObject().Remove("resourceVersion");
                store.Replace(K("EndpointSlice"), ns, Name(existing), existing);
            }
        }
    }

    private void ReconcileLoadBalancers()
    {
        foreach (var service in All("Service").Where(s => !Deleting(s) && (string?)s["spec"]?["type"] == "LoadBalancer"))
        {
            if (service["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: > 0 } || !Due(Uid(service)))
            {
                continue;
            }

            var ip = $"172.18.255.{_nextLoadBalancerIp++}";
            WriteStatus("Service", service, new JsonObject
            {
                ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip, ["ipMode"] = "VIP" }) },
            });
        }
    }

    private void StatefulSetAndDaemonSetStatuses()
    {
        foreach (var set in All("StatefulSet").Where(s => !Deleting(s)))
        {
            var replicas = Int(set["spec"]?["replicas"], 1);
            var ready = Marked(set) ? 0 : replicas;
            var revision = $"{Name(set)}-{Hash(set["spec"]?["template"])}";
            var status = new JsonObject { ["observedGeneration"] = Generation(set), ["replicas"] = replicas };
            Count(status, "readyReplicas", ready);
            Count(status, "currentReplicas", replicas);
            Count(status, "updatedReplicas", replicas);
            Count(status, "availableReplicas", ready);
            status["currentRevision"] = revision;
            status["updateRevision"] = revision;
            status["collisionCount"] = 0;
            WriteStatus("StatefulSet", set, status);
        }

        foreach (var set in All("DaemonSet").Where(s => !Deleting(s)))
        {
            var ready = Marked(set) ? 0 : 1;
            var status = new JsonObject
            {
                ["currentNumberScheduled"] = 1,
                ["numberMisscheduled"] = 0,
                ["desiredNumberScheduled"] = 1,
                ["numberReady"] = ready,
                ["observedGeneration"] = Generation(set),
                ["updatedNumberScheduled"] = 1,
            };
            Count(status, "numberAvailable", ready);
            Count(status, "numberUnavailable", 1 - ready);
            WriteStatus("DaemonSet", set, status);
        }

        static bool Marked(JsonObject obj) => (string?)obj["metadata"]?["annotations"]?[NeverReadyAnnotation] == "true";
    }
}
