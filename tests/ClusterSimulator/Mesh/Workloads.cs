using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>How Istio names a pod's workload in its telemetry: the owning Deployment or Job, else the pod.</summary>
public static class Workloads
{
    public static string NameOf(JsonObject pod)
    {
        var owner = (pod["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(o => o["controller"]?.ToString() is "true" or "True")
            ?? (pod["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault();
        var ownerName = (string?)owner?["name"];
        if (ownerName is not null)
        {
            // A ReplicaSet is named <deployment>-<template hash>.
            var dash = ownerName.LastIndexOf('-');
            return (string?)owner!["kind"] == "ReplicaSet" && dash > 0 ? ownerName[..dash] : ownerName;
        }

        var name = (string?)pod["metadata"]?["name"] ?? "";
        return name;
    }
}
