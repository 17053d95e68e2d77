using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Mesh.ClusterSimulator;

/// <summary>One change to one object, as a watch streams it; <paramref name="Previous"/> is the state it replaced.</summary>
public sealed record WatchEvent(string Type, long ResourceVersion, JsonObject Object, JsonObject? Previous = null);

/// <summary>
/// The store's changes, per kind: a bounded history (what a watch from an older resourceVersion replays,
/// like etcd's retained revisions) and the open watches. The store publishes under its own lock, so
/// events arrive in resourceVersion order.
/// </summary>
public sealed class WatchHub
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, Queue<WatchEvent>> _history = new(ObjectStore.SameResource.Instance);
    private readonly Dictionary<ResourceKind, long> _compactedThrough = new(ObjectStore.SameResource.Instance);
    private readonly List<(ResourceKind Kind, Channel<WatchEvent> Channel)> _watchers = [];

    /// <summary>How many events per kind are kept for watches that start from a resourceVersion.</summary>
    public int HistoryPerKind { get; set; } = 500;

    public void Publish(ResourceKind kind, string type, JsonObject obj, long resourceVersion, JsonObject? previous = null)
    {
        var change = new WatchEvent(type, resourceVersion, obj.DeepClone().AsObject(), previous?.DeepClone().AsObject());
        lock (_gate)
        {
            if (!_history.TryGetValue(kind, out var history))
            {
                _history[kind] = history = new Queue<WatchEvent>();
            }

            history.Enqueue(change);
            while (history.Count > Math.Max(1, HistoryPerKind))
            {
                _compactedThrough[kind] = history.Dequeue().ResourceVersion;
            }

            foreach (var (watched, channel) in _watchers)
            {
                // Every version of a custom kind is one resource, as in ObjectStore's tables.
                if (ObjectStore.SameResource.Instance.Equals(watched, kind))
                {
                    channel.Writer.TryWrite(change);
                }
            }
        }
    }

    /// <summary>
    /// Opens a watch on <paramref name="kind"/>. With <paramref name="after"/>, the retained events newer
    /// than it come first; null when that resourceVersion is older than the history (410 Gone).
    /// </summary>
    public Subscription? Subscribe(ResourceKind kind, long? after)
    {
        lock (_gate)
        {
            var replay = new List<WatchEvent>();
            if (after is { } from)
            {
                if (from < _compactedThrough.GetValueOrDefault(kind))
                {
                    return null;
                }

                replay.AddRange(_history.GetValueOrDefault(kind)?.Where(e => e.ResourceVersion > from) ?? []);
            }

            var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
            var entry = (kind, channel);
            _watchers.Add(entry);
            return new Subscription(replay, channel.Reader, () =>
            {
                lock (_gate)
                {
                    _watchers.Remove(entry);
                }
            });
        }
    }

    /// <summary>How many watches are open now.</summary>
    public int Watchers
    {
        get { lock (_gate) { return _watchers.Count; } }
    }

    /// <summary>The oldest resourceVersion a watch of <paramref name="kind"/> may still start from.</summary>
    public long OldestResourceVersion(ResourceKind kind)
    {
        lock (_gate)
        {
            return _compactedThrough.GetValueOrDefault(kind);
        }
    }

    /// <summary>An open watch: replayed history first, then live events, until disposed.</summary>
    public sealed class Subscription(IReadOnlyList<WatchEvent> replay, ChannelReader<WatchEvent> live, Action close) : IDisposable
    {
        public IReadOnlyList<WatchEvent> Replay { get; } = replay;

        public ChannelReader<WatchEvent> Live { get; } = live;

        public void Dispose() => close();
    }
}
