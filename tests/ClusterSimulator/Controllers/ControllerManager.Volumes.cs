using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Volumes as kind provisions them: claims of the <c>standard</c> StorageClass (provisioner
/// <see cref="SimulatedNode.Provisioner"/>, WaitForFirstConsumer) are bound, once a pod mounts them, to a
/// new PersistentVolume <c>pvc-UID</c> on the node's disk (only data); a volume whose claim is gone is
/// deleted, or Released when its reclaim policy is Retain. Claims of other classes stay Pending, as
/// they would with no provisioner for them.
/// </summary>
public sealed partial class ControllerManager
{
    private void ProvisionVolumes()
    {
        var classes = All("StorageClass").ToDictionary(Name, StringComparer.Ordinal);
        var pods = All("Pod");
        var claims = All("PersistentVolumeClaim");
        foreach (var claim in claims.Where(c => !Deleting(c) && (string?)c["status"]?["phase"] != "Bound"))
        {
            var className = (string?)claim["spec"]?["storageClassName"];
            if (className is null || !classes.TryGetValue(className, out var storageClass) || (string?)storageClass["provisioner"] != SimulatedNode.Provisioner)
            {
                continue;
            }

            var mounted = pods.Any(p => Ns(p) == Ns(claim) && !Deleting(p)
                && (p["spec"]?["volumes"] as JsonArray ?? []).Any(v => (string?)v?["persistentVolumeClaim"]?["claimName"] == Name(claim)));
            if ((string?)storageClass["volumeBindingMode"] == "WaitForFirstConsumer" && !mounted)
            {
                continue;
            }

            Bind(claim, storageClass);
        }

        var live = claims.Select(Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var volume in All("PersistentVolume").Where(v => !Deleting(v) && v["spec"]?["claimRef"]?["uid"] is JsonValue))
        {
            if (live.Contains((string)volume["spec"]!["claimRef"]!["uid"]!))
            {
                continue;
            }

            if ((string?)volume["spec"]?["persistentVolumeReclaimPolicy"] == "Retain")
            {
                WriteStatus("PersistentVolume", volume, new JsonObject { ["phase"] = "Released" });
            }
            else
            {
                store.Delete(K("PersistentVolume"), null, Name(volume));
            }
        }
    }

    private void Bind(JsonObject claim, JsonObject storageClass)
    {
        var name = "pvc-" + Uid(claim);
        var spec = claim["spec"]!;
        var accessModes = spec["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce");
        var capacity = new JsonObject { ["storage"] = spec["resources"]?["requests"]?["storage"]?.DeepClone() ?? "1Gi" };
        if (!ExistsVolume(name))
        {
            store.Create(K("PersistentVolume"), null, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["annotations"] = new JsonObject { ["pv.kubernetes.io/provisioned-by"] = SimulatedNode.Provisioner },
                },
                ["spec"] = new JsonObject
                {
                    ["accessModes"] = accessModes.DeepClone(),
                    ["capacity"] = capacity.DeepClone(),
                    ["claimRef"] = new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "PersistentVolumeClaim",
                        ["namespace"] = Ns(claim),
                        ["name"] = Name(claim),
                        ["uid"] = Uid(claim),
                    },
                    ["hostPath"] = new JsonObject { ["path"] = $"/var/local-path-provisioner/{name}_{Ns(claim)}_{Name(claim)}", ["type"] = "DirectoryOrCreate" },
                    ["persistentVolumeReclaimPolicy"] = storageClass["reclaimPolicy"]?.DeepClone() ?? "Delete",
                    ["storageClassName"] = Name(storageClass),
                    ["volumeMode"] = spec["volumeMode"]?.DeepClone() ?? "Filesystem",
                },
            });
            var volume = store.Get(K("PersistentVolume"), null, name);
            WriteStatus("PersistentVolume", volume, new JsonObject { ["phase"] = "Bound" });
        }

        if ((string?)spec["volumeName"] != name)
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject
                    {
                        ["pv.kubernetes.io/bind-completed"] = "yes",
                        ["pv.kubernetes.io/bound-by-controller"] = "yes",
                        ["volume.kubernetes.io/storage-provisioner"] = SimulatedNode.Provisioner,
                    },
                },
                ["spec"] = new JsonObject { ["volumeName"] = name },
            };
            claim = store.MergePatch(K("PersistentVolumeClaim"), Ns(claim), Name(claim), patch);
        }

        WriteStatus("PersistentVolumeClaim", claim, new JsonObject { ["phase"] = "Bound", ["accessModes"] = accessModes, ["capacity"] = capacity });
    }

    private bool ExistsVolume(string name)
    {
        try
        {
            store.Get(K("PersistentVolume"), null, name);
            return true;
        }
        catch (ApiError error) when (error.Code == 404)
        {
            return false;
        }
    }
}
