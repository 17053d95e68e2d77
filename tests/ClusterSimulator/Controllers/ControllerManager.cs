using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Mesh.ClusterSimulator;

/// <summary>
/// The controllers a cluster runs, simulated: one loop that wakes on every store event (a WatchHub
/// subscription per kind), when a delay runs out, or every half second, and reconciles everything. It writes through the
/// <see cref="ObjectStore"/> as field manager <c>kube-controller-manager</c>, status through the status
/// subresource, so clients watching see what they would see on a real cluster. Each pass is idempotent:
/// writing what is already stored publishes nothing, so the loop goes quiet when the cluster has settled.
/// </summary>
public sealed partial class ControllerManager(ObjectStore store, ControllerOptions options, LoopbackNetwork network, Func<JsonObject, PodRun> runPod) : IAsyncDisposable
{
    public const string FieldManager = "kube-controller-manager";

    private static readonly string[] Watched = ["Namespace", "ServiceAccount", "Deployment", "ReplicaSet", "Pod", "Job", "Service", "StatefulSet", "DaemonSet", "EndpointSlice", "PersistentVolumeClaim", "PersistentVolume"];

    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _kicks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<WatchHub.Subscription> _subscriptions = [];
    private readonly List<Task> _tasks = [];
    private readonly GatewayListeners _listeners = new(store);

    // First sighting of each object that waits for ReadyDelay (pods, load balancers), by uid.
    private readonly Dictionary<string, DateTime> _firstSeen = new(StringComparer.Ordinal);
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromMilliseconds(500);
    private DateTime _nextWake = DateTime.MaxValue;

    /// <summary>The gateway's listeners on the simulator's loopback addresses (see <see cref="GatewayListeners"/>).</summary>
    public GatewayListeners Listeners => _listeners;

    /// <summary>The last unexpected exception a pass threw (a simulator bug); the loop carries on.</summary>
    public Exception? LastError { get; private set; }

    public void Start()
    {
        foreach (var kind in Watched)
        {
            var subscription = store.Events.Subscribe(ObjectStore.Kind(kind), null)!;
            _subscriptions.Add(subscription);
            _tasks.Add(PumpAsync(subscription));
        }

        _tasks.Add(Task.Run(RunAsync));

        // A first pass for what the store held before the loop started (the initial namespaces' default
        // service accounts), rather than waiting for the first event.
        Kick();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        try
        {
            await Task.WhenAll(_tasks);
        }
        catch (OperationCanceledException)
        {
        }

        await _listeners.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Asks for a pass soon (after a store event or a finished pod run).</summary>
    private void Kick() => _kicks.Writer.TryWrite(true);

    private async Task PumpAsync(WatchHub.Subscription subscription)
    {
        try
        {
            await foreach (var _ in subscription.Live.ReadAllAsync(_stop.Token))
            {
                Kick();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync()
    {
        ObjectStore.WriteAs(FieldManager);
        ObjectStore.DeleteWith(null);
        while (!_stop.IsCancellationRequested)
        {
            var wait = _nextWake == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : _nextWake - DateTime.UtcNow;
            if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }

            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timer.CancelAfter(wait);
                try
                {
                    await _kicks.Reader.ReadAsync(timer.Token);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            // Like a real controller's resync: a pass at least this often, which also picks up option changes.
            _nextWake = DateTime.UtcNow + ResyncPeriod;
            try
            {
                Pass();
            }
            catch (ApiError error) when (error.Code is 404 or 409)
            {
                // An object deleted or changed between this pass's read and its write: the next pass sees it.
                WakeAt(DateTime.UtcNow.AddMilliseconds(20));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // A vanished object mid-pass, or a simulator bug: keep the error for a test to see, and try
                // again a little later rather than stop reconciling for good.
                LastError = error;
                WakeAt(DateTime.UtcNow.AddMilliseconds(100));
            }
        }
    }

    private void Pass()
    {
        if (options.ServiceAccounts)
        {
            DefaultServiceAccounts();
        }

        if (options.Deployments)
        {
            ReconcileDeployments();
            ReconcileReplicaSets();
        }

        if (options.Jobs)
        {
            ReconcileJobs();
        }

        if (options.Kubelet)
        {
            RunKubelet();
        }

        if (options.Deployments)
        {
            ReplicaSetStatuses();
            DeploymentStatuses();
        }

        if (options.Jobs)
        {
            JobStatuses();
        }

        if (options.StatefulSetsAndDaemonSets)
        {
            StatefulSetAndDaemonSetStatuses();
        }

        if (options.EndpointSlices)
        {
            ReconcileEndpointSlices();
        }

        if (options.LoadBalancers)
        {
            ReconcileLoadBalancers();
        }

        if (options.Volumes)
        {
            ProvisionVolumes();
        }

        ReconcileGatewayListeners();
        IstiodWebhookEdits();
    }

    // The service account controller's part: every active namespace has a ServiceAccount named default.
    private void DefaultServiceAccounts()
    {
        var accounts = All("ServiceAccount").Where(a => Name(a) == "default").Select(Ns).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in All("Namespace").Where(n => !Deleting(n) && !accounts.Contains(Name(n))))
        {
            store.Create(K("ServiceAccount"), Name(ns), new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
        }
    }

    // ---- helpers shared by the controllers ----

    private static ResourceKind K(string kind) => ObjectStore.Kind(kind);

    private List<JsonObject> All(string kind) =>
        [.. store.List(K(kind), null, LabelSelector.Parse(null), _ => true)["items"]!.AsArray().OfType<JsonObject>()];

    private static string Name(JsonObject obj) => (string)obj["metadata"]!["name"]!;

    private static string Uid(JsonObject obj) => (string)obj["metadata"]!["uid"]!;

    private static string Ns(JsonObject obj) => ObjectStore.Namespace(obj)!;

    private static bool Deleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    private static long Generation(JsonObject obj) => obj["metadata"]?["generation"]?.GetValue<long>() ?? 0;

    private static bool OwnedBy(JsonObject obj, string uid) =>
        obj["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r?["uid"] == uid);

    private static JsonArray OwnerReference(JsonObject owner) =>
    [
        new JsonObject
        {
            ["apiVersion"] = owner["apiVersion"]!.DeepClone(),
            ["kind"] = owner["kind"]!.DeepClone(),
            ["name"] = Name(owner),
            ["uid"] = Uid(owner),
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        },
    ];

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static int Int(JsonNode? node, int fallback) =>
        node is JsonValue value && value.TryGetValue<int>(out var n) ? n : node is JsonValue v && v.TryGetValue<long>(out var l) ? (int)l : fallback;

    private static void Count(JsonObject status, string field, int value)
    {
        if (value != 0)
        {
            status[field] = value;
        }
    }

    /// <summary>Writes <paramref name="status"/> through the status subresource unless it is what is stored.</summary>
    private void WriteStatus(string kind, JsonObject obj, JsonObject status)
    {
        if (JsonNode.DeepEquals(obj["status"], status))
        {
            return;
        }

        var body = new JsonObject { ["metadata"] = new JsonObject { ["name"] = Name(obj) }, ["status"] = status };
        store.Replace(K(kind), ObjectStore.Namespace(obj), Name(obj), body, statusOnly: true);
    }

    /// <summary>A condition, keeping the old one's times when nothing about it changed.</summary>
    private static JsonObject Condition(JsonNode? oldStatus, string type, bool value, string reason, string message, bool updateTime = false, bool probeTime = false)
    {
        var old = (oldStatus?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var status = value ? "True" : "False";
        var now = Now();
        var same = old is not null && (string?)old["status"] == status;
        var condition = new JsonObject { ["type"] = type, ["status"] = status };
        if (probeTime)
        {
            condition["lastProbeTime"] = same ? old!["lastProbeTime"]?.DeepClone() : now;
        }

        if (updateTime)
        {
            condition["lastUpdateTime"] = same && (string?)old!["reason"] == reason && (string?)old["message"] == message ? old["lastUpdateTime"]?.DeepClone() : now;
        }

        condition["lastTransitionTime"] = same ? old!["lastTransitionTime"]?.DeepClone() : now;
        condition["reason"] = reason;
        condition["message"] = message;
        return condition;
    }

    /// <summary>True once <see cref="ControllerOptions.ReadyDelay"/> has passed since the first sighting of <paramref name="uid"/>.</summary>
    private bool Due(string uid)
    {
        var now = DateTime.UtcNow;
        if (!_firstSeen.TryGetValue(uid, out var seen))
        {
            _firstSeen[uid] = seen = now;
        }

        var due = seen + options.ReadyDelay;
        if (due <= now)
        {
            return true;
        }

        WakeAt(due);
        return false;
    }

    private void WakeAt(DateTime due)
    {
        if (due < _nextWake)
        {
            _nextWake = due;
        }
    }

    /// <summary>A workload's spec.selector against labels; unlike a webhook's, a missing one selects nothing.</summary>
    private static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is JsonObject && SelectorMatch.Matches(selector, labels);

    /// <summary>A stable short hash of a JSON value, independent of property order, in the alphabet of generated names.</summary>
    private static string Hash(JsonNode? node, int length = 10)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(node)));
        return string.Concat(bytes.Take(length).Select(b => alphabet[b % alphabet.Length]));
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private readonly ConcurrentQueue<(string Ns, string Name, string Uid, PodRun Run)> _finishedRuns = new();
}
