using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The simulator's objects, in memory, behind one lock. Every write takes the next value of one global
/// resourceVersion counter, as etcd's revision does for a real API server.
/// </summary>
public sealed partial class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, SortedDictionary<string, JsonObject>> _objects = new(SameResource.Instance);
    private long _resourceVersion;
    private int _nextServiceIp = 10;

    public ObjectStore()
    {
        foreach (var kind in ResourceKind.BuiltIn)
        {
            _objects[kind] = new(StringComparer.Ordinal);
        }

        var namespaces = Kind("Namespace");
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Create(namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        }

        // The one pretend node every pod is placed on, Ready, with an address as a kind node has one.
        var node = Create(Kind("Node"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = SimulatedNode.Name } });
        node["status"] = SimulatedNode.Status();
        Replace(Kind("Node"), null, SimulatedNode.Name, node, statusOnly: true);
        Create(Kind("StorageClass"), null, SimulatedNode.StorageClass());
    }

    /// <summary>The switches of the simulated controllers; the store plays the establishing one for CRDs.</summary>
    public ControllerOptions Controllers { get; init; } = new();

    /// <summary>How the simulated mesh behaves: sidecar injection happens here, on pod creation.</summary>
    public MeshOptions MeshOptions { get; init; } = new();

    /// <summary>Every committed change, for watches.</summary>
    public WatchHub Events { get; } = new();

    /// <summary>The kinds served: the built-ins and those of established CustomResourceDefinitions.</summary>
    public KindRegistry Kinds { get; } = new();

    public long ResourceVersion
    {
        get { lock (_gate) { return _resourceVersion; } }
    }

    /// <summary>The built-in kind named <paramref name="kind"/>; for <c>Event</c>, the core one.</summary>
    public static ResourceKind Kind(string kind) => ResourceKind.BuiltIn.First(k => k.Kind == kind);

    public JsonObject Get(ResourceKind kind, string? ns, string name)
    {
        lock (_gate)
        {
            return InVersion(kind, Find(kind, ns, name).DeepClone().AsObject());
        }
    }

    public JsonObject List(ResourceKind kind, string? ns, LabelSelector labels, Func<JsonObject, bool> fields)
    {
        lock (_gate)
        {
            var items = _objects[kind].Values
                .Where(o => ns is null || Namespace(o) == ns)
                .Where(o => labels.Matches(Labels(o)) && fields(o))
                .Select(o => (JsonNode)InVersion(kind, o.DeepClone().AsObject()));
            return new JsonObject
            {
                ["kind"] = kind.Kind + "List",
                ["apiVersion"] = kind.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_resourceVersion) },
                ["items"] = new JsonArray([.. items]),
            };
        }
    }

    public JsonObject Create(ResourceKind kind, string? ns, JsonObject body, bool dryRun = false)
    {
        lock (_gate)
        {
            var obj = body.DeepClone().AsObject();
            CheckTypeMeta(kind, obj);
            var metadata = Metadata(obj);
            var name = (string?)metadata["name"];
            if (string.IsNullOrEmpty(name) && (string?)metadata["generateName"] is { Length: > 0 } prefix)
            {
                do
                {
                    name = prefix + RandomSuffix();
                }
                while (_objects[kind].ContainsKey(Key(ns, name)));
            }

            if (string.IsNullOrEmpty(name))
            {
                throw ApiError.Invalid(kind, "", "metadata.name: Required value: name or generateName is required");
            }

            CheckNamespace(kind, ns, obj);
            if (_objects[kind].ContainsKey(Key(ns, name)))
            {
                throw ApiError.AlreadyExists(kind, name);
            }

            metadata["name"] = name;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            metadata.Remove("deletionTimestamp");
            if (kind.TracksGeneration)
            {
                metadata["generation"] = 1L;
            }
            else
            {
                metadata.Remove("generation");
            }

            if (kind.HasStatus)
            {
                // As on the real server, status is not set by a create: only through the status subresource.
                obj.Remove("status");
            }

            if (kind.Kind == "Pod")
            {
                InjectSidecar(obj, ns!);
            }

            Admit(kind, obj, name);
            DefaultStorageClass(kind, obj);
            ApplyDefaults(kind, obj, name);
            return Commit(kind, ns, name, obj, dryRun);
        }
    }

    /// <summary>PUT: the whole object. A non-empty stale <c>metadata.resourceVersion</c> is a conflict.</summary>
    public JsonObject Replace(ResourceKind kind, string? ns, string name, JsonObject body, bool statusOnly = false, bool dryRun = false)
    {
        lock (_gate)
        {
            var existing = Find(kind, ns, name);
            var obj = body.DeepClone().AsObject();
            CheckTypeMeta(kind, obj);
            var metadata = Metadata(obj);
            if ((string?)metadata["name"] is { } bodyName && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            CheckNamespace(kind, ns, obj);
            if ((string?)metadata["resourceVersion"] is { Length: > 0 } rv && rv != (string?)existing["metadata"]!["resourceVersion"])
            {
                throw ApiError.Conflict(kind, name);
            }

            if (statusOnly)
            {
                // The status subresource changes status and nothing else.
                var status = obj["status"];
                obj = existing.DeepClone().AsObject();
                SetOrRemove(obj, "status", status);
                metadata = Metadata(obj);
            }
            else if (kind.HasStatus)
            {
                // The main resource of a kind with a status subresource ignores status changes.
                SetOrRemove(obj, "status", existing["status"]);
            }

            var old = existing["metadata"]!;
            metadata["name"] = name;
            foreach (var field in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                SetOrRemove(metadata, field, old[field]);
            }

            Admit(kind, obj, name);
            ApplyDefaults(kind, obj, name);
            if (kind.TracksGeneration && SpecChanged(existing, obj))
            {
                metadata["generation"] = (old["generation"]?.GetValue<long>() ?? 0) + 1;
            }

            return Commit(kind, ns, name, obj, dryRun);
        }
    }

    /// <summary>JSON merge patch (RFC 7386) on the stored object, then the same rules as a replace.</summary>
    public JsonObject MergePatch(ResourceKind kind, string? ns, string name, JsonObject patch, bool statusOnly = false, bool dryRun = false)
    {
        lock (_gate)
        {
            var existing = Find(kind, ns, name);
            var merged = Bodies.MergePatch(InVersion(kind, existing.DeepClone().AsObject()), patch)!.AsObject();
            if (patch["metadata"]?["resourceVersion"] is null)
            {
                Metadata(merged).Remove("resourceVersion");
            }

            return Replace(kind, ns, name, merged, statusOnly, dryRun);
        }
    }

    public JsonObject Delete(ResourceKind kind, string? ns, string name, bool dryRun = false)
    {
        lock (_gate)
        {
            var existing = Find(kind, ns, name);
            if (kind.Kind != "Namespace" && DeferForFinalizers(kind, ns, name, existing, dryRun) is { } deleting)
            {
                return deleting;
            }

            if (dryRun)
            {
                return existing.DeepClone().AsObject();
            }

            _objects[kind].Remove(Key(ns, name));
            _resourceVersion++;
            Events.Publish(kind, "DELETED", WithRv(existing, _resourceVersion), _resourceVersion);
            if (kind.Kind == "CustomResourceDefinition")
            {
                Withdraw(name);
            }

            CollectDependents(existing);
            if (kind.Kind == "Namespace")
            {
                // Namespace finalization happens at once here: everything in it goes with it.
                foreach (var (tableKind, table) in _objects.Where(t => t.Key.Namespaced))
                {
                    foreach (var key in table.Where(o => Namespace(o.Value) == name).Select(o => o.Key).ToList())
                    {
                        Events.Publish(tableKind, "DELETED", WithRv(table[key], _resourceVersion), _resourceVersion);
                        table.Remove(key);
                    }
                }
            }

            if (kind.Kind != "Namespace")
            {
                // Like the real server for kinds without finalization: a Status naming what went.
                var details = new JsonObject { ["name"] = name, ["kind"] = kind.Plural, ["uid"] = existing["metadata"]?["uid"]?.DeepClone() };
                if (kind.Group.Length > 0)
                {
                    details["group"] = kind.Group;
                }

                return new JsonObject
                {
                    ["kind"] = "Status",
                    ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject(),
                    ["status"] = "Success",
                    ["details"] = details,
                };
            }

            // A namespace answers with itself, Terminating; its finalization here is immediate.
            var gone = existing.DeepClone().AsObject();
            gone["metadata"]!["deletionTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            gone["metadata"]!["resourceVersion"] = Rv(_resourceVersion);
            gone["status"] = new JsonObject { ["phase"] = "Terminating" };
            return gone;
        }
    }

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) =>
        obj["metadata"]?["labels"] is JsonObject labels
            ? labels.ToDictionary(l => l.Key, l => l.Value?.ToString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();

    public static string? Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    private JsonObject Commit(ResourceKind kind, string? ns, string name, JsonObject obj, bool dryRun)
    {
        _objects[kind].TryGetValue(Key(ns, name), out var old);
        TrackUpdate(kind, old, obj);
        if (old is not null && Unchanged(old, obj))
        {
            return old.DeepClone().AsObject();
        }

        if (!dryRun && RemoveIfFinalized(kind, ns, name, obj))
        {
            return obj.DeepClone().AsObject();
        }

        if (!dryRun)
        {
            _resourceVersion++;
            Metadata(obj)["resourceVersion"] = Rv(_resourceVersion);
            var previous = _objects[kind].GetValueOrDefault(Key(ns, name));
            Events.Publish(kind, previous is null ? "ADDED" : "MODIFIED", obj, _resourceVersion, previous);
            _objects[kind][Key(ns, name)] = obj;
            if (kind.Kind == "CustomResourceDefinition" && IsEstablished(obj))
            {
                Establish(obj);
            }
        }

        return obj.DeepClone().AsObject();
    }

    private JsonObject Find(ResourceKind kind, string? ns, string name)
    {
        if (kind.Namespaced && ns is null)
        {
            throw ApiError.BadRequest($"{kind.Plural} is namespaced: a namespace is required");
        }

        return _objects[kind].TryGetValue(Key(ns, name), out var obj) ? obj : throw ApiError.NotFound(kind, name);
    }

    private void CheckNamespace(ResourceKind kind, string? ns, JsonObject obj)
    {
        var metadata = Metadata(obj);
        if (!kind.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }

        if (ns is null)
        {
            throw ApiError.BadRequest($"{kind.Plural} is namespaced: a namespace is required");
        }

        if ((string?)metadata["namespace"] is { Length: > 0 } bodyNs && bodyNs != ns)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        if (!_objects[Kind("Namespace")].ContainsKey(Key(null, ns)))
        {
            throw ApiError.NotFound(Kind("Namespace"), ns);
        }

        metadata["namespace"] = ns;
    }

    private static void CheckTypeMeta(ResourceKind kind, JsonObject obj)
    {
        var apiVersion = (string?)obj["apiVersion"];
        var objectKind = (string?)obj["kind"];
        if ((apiVersion is not null && apiVersion != kind.ApiVersion) || (objectKind is not null && objectKind != kind.Kind))
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) and kind ({objectKind}) do not match the {kind.ApiVersion} {kind.Kind} of the URL");
        }

        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
    }

    // The DefaultStorageClass admission plugin, on create only: a claim that names no class gets the default one.
    private void DefaultStorageClass(ResourceKind kind, JsonObject obj)
    {
        if (kind.Kind != "PersistentVolumeClaim" || obj["spec"] is not JsonObject spec || spec.ContainsKey("storageClassName"))
        {
            return;
        }

        var defaults = _objects[Kind("StorageClass")].Values
            .Where(c => (string?)c["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"] == "true")
            .Select(c => (string)c["metadata"]!["name"]!)
            .ToList();
        if (defaults.Count > 0)
        {
            spec["storageClassName"] = defaults[^1];
        }
    }

    // The defaults and conversions the real API server applies on every write.
    private void ApplyDefaults(ResourceKind kind, JsonObject obj, string name)
    {
        switch (kind.Kind)
        {
            case "CustomResourceDefinition":
                Accept(obj, Controllers.EstablishCustomResourceDefinitions);
                break;
            case "Namespace":
                var labels = Metadata(obj)["labels"] as JsonObject ?? [];
                labels["kubernetes.io/metadata.name"] = name;
                Metadata(obj)["labels"] = labels;
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] ??= new JsonObject { ["phase"] = "Active" };
                break;
            case "Secret":
                obj["type"] ??= "Opaque";
                if (obj["stringData"] is JsonObject stringData)
                {
                    var data = obj["data"] as JsonObject ?? [];
                    foreach (var (key, value) in stringData)
                    {
                        data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
                    }

                    obj["data"] = data;
                    obj.Remove("stringData");
                }

                break;
            case "Service":
                var spec = obj["spec"] as JsonObject ?? [];
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if ((string?)spec["clusterIP"] is null or "")
                {
                    var ip = $"10.96.{_nextServiceIp / 250}.{(_nextServiceIp % 250) + 1}";
                    _nextServiceIp++;
                    spec["clusterIP"] = ip;
                    spec["clusterIPs"] = new JsonArray(ip);
                }

                obj["spec"] = spec;
                obj["status"] ??= new JsonObject { ["loadBalancer"] = new JsonObject() };
                break;
            case "PersistentVolumeClaim" or "PersistentVolume":
                if (obj["spec"] is JsonObject volumeSpec)
                {
                    volumeSpec["volumeMode"] ??= "Filesystem";
                }

                obj["status"] ??= new JsonObject { ["phase"] = kind.Kind == "PersistentVolume" ? "Available" : "Pending" };
                break;
            case "Deployment":
                var deploymentSpec = obj["spec"] as JsonObject ?? [];
                deploymentSpec["replicas"] ??= 1;
                obj["spec"] = deploymentSpec;
                obj["status"] ??= new JsonObject();
                break;
        }

        WorkloadDefaults(kind, obj, name);
    }

    private static void SetOrRemove(JsonObject obj, string field, JsonNode? value)
    {
        if (value is null)
        {
            obj.Remove(field);
        }
        else
        {
            obj[field] = value.DeepClone();
        }
    }

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            obj["metadata"] = metadata;
        }

        return metadata;
    }

    private static JsonObject WithRv(JsonObject obj, long resourceVersion)
    {
        var copy = obj.DeepClone().AsObject();
        Metadata(copy)["resourceVersion"] = Rv(resourceVersion);
        return copy;
    }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private static string Rv(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
