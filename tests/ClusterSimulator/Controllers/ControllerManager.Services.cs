using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Services: an EndpointSlice per selecting service (labelled <c>kubernetes.io/service-name</c>, owned by
/// it) listing each running pod it selects, ready or not as the pod is, as the real controller does;
/// a LoadBalancer service gets <c>status.loadBalancer.ingress[0].ip</c> after the ready delay: the next
/// address of the simulator's <see cref="LoopbackNetwork"/> with its ports free, where the
/// <see cref="GatewayListeners"/> answer for the gateway behind it. StatefulSets and DaemonSets report a
/// finished rollout of their replicas (a DaemonSet on one node) without making pods.
/// </summary>
public sealed partial class ControllerManager
{
    private const string ManagedBy = "endpointslice-controller.k8s.io";

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

            var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => Endpoints.Number(p["port"])).ToList();
            var ip = network.NextLoadBalancerAddress(ports).ToString();
            WriteStatus("Service", service, new JsonObject
            {
                ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip, ["ipMode"] = "VIP" }) },
            });
        }
    }

    /// <summary>
    /// What kube-proxy and a load balancer make reachable from this machine: each port of a Service whose
    /// Ready pods include an ingress gateway with a Gateway server on the target port, at the Service's
    /// load-balancer address (when it is one of the simulator's) and at the node's address and its nodePort.
    /// </summary>
    private void ReconcileGatewayListeners()
    {
        var wanted = new List<Frontend>();
        foreach (var service in All("Service").Where(s => !Deleting(s)))
        {
            if (Endpoints.Ready(store, service).FirstOrDefault(GatewayServers.IsGatewayPod) is not { } gateway)
            {
                continue;
            }

            var type = (string?)service["spec"]?["type"];
            var ingress = (service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(i => System.Net.IPAddress.TryParse((string?)i["ip"], out var ip) ? ip : null)
                .FirstOrDefault(ip => ip is not null && System.Net.IPAddress.IsLoopback(ip));
            foreach (var port in (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().Where(p => (string?)p["protocol"] is null or "TCP"))
            {
                if (GatewayServers.ServersOn(store, gateway, Endpoints.TargetPort(port, gateway)).Count == 0)
                {
                    continue;
                }

                var number = Endpoints.Number(port["port"]);
                if (type == "LoadBalancer" && ingress is not null)
                {
                    wanted.Add(new Frontend(new System.Net.IPEndPoint(ingress, number), Ns(service), Name(service), number));
                }

                if (type is "NodePort" or "LoadBalancer" && Endpoints.Number(port["nodePort"]) is > 0 and var nodePort)
                {
                    wanted.Add(new Frontend(new System.Net.IPEndPoint(network.NodeAddress, nodePort), Ns(service), Name(service), number));
                }
            }
        }

        _listeners.Reconcile(wanted);
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
