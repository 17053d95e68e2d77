namespace Mesh.Build.Reporting;

/// <summary>
/// While something long runs (a wait on the cluster, a helm install), says what is awaited and for how long, so
/// that minutes of waiting are not minutes of silence. In a log (output redirected, CI) that is one plain line
/// every interval. On a terminal it is a live line instead, redrawn a few times a second: the newest wait, and how
/// many more run beside it (the dashboards install side by side).
/// </summary>
/// <param name="log">where the plain lines go.</param>
/// <param name="interval">how often a plain line is written; zero or infinite for none.</param>
/// <param name="live">the terminal's live line (null takes it away); null when output is not a terminal.</param>
public sealed class Progress(Action<string> log, TimeSpan interval, Action<string?>? live = null)
{
    private static readonly TimeSpan LiveRefresh = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly List<Wait> _waits = [];
    private Timer? _liveTimer;

    /// <summary>Says nothing: for a cluster opened outside a run.</summary>
    public static Progress Silent { get; } = new(_ => { }, Timeout.InfiniteTimeSpan);

    /// <summary>Starts saying <paramref name="line"/> (given the time elapsed) until disposed.</summary>
    public IDisposable Start(Func<TimeSpan, string> line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (live is not null)
        {
            return StartLive(line);
        }

        if (interval <= TimeSpan.Zero || interval == Timeout.InfiniteTimeSpan)
        {
            return new Timer(_ => { });
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        return new Timer(_ => log(line(started.Elapsed)), null, interval, interval);
    }

    /// <summary><c>12 s</c>, <c>2 min 05 s</c>.</summary>
    public static string Elapsed(TimeSpan elapsed) =>
        elapsed < TimeSpan.FromMinutes(1) ? $"{elapsed.TotalSeconds:0} s" : $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds:00} s";

    private Wait StartLive(Func<TimeSpan, string> line)
    {
        var wait = new Wait(this, line);
        lock (_gate)
        {
            _waits.Add(wait);
            _liveTimer ??= new Timer(_ => Refresh(), null, TimeSpan.Zero, LiveRefresh);
        }

        return wait;
    }

    // Under the lock, so that a tick still in flight when the last wait ends cannot bring its line back.
    private void Refresh()
    {
        lock (_gate)
        {
            live!(_waits.Count == 0 ? null
                : _waits[^1].Line() + (_waits.Count > 1 ? $" (and {_waits.Count - 1} more)" : string.Empty));
        }
    }

    private void End(Wait wait)
    {
        lock (_gate)
        {
            _waits.Remove(wait);
            if (_waits.Count > 0)
            {
                return;
            }

            _liveTimer?.Dispose();
            _liveTimer = null;
            live!(null);
        }
    }

    private sealed class Wait(Progress progress, Func<TimeSpan, string> line) : IDisposable
    {
        private readonly System.Diagnostics.Stopwatch _started = System.Diagnostics.Stopwatch.StartNew();
        private bool _ended;

        public string Line() => line(_started.Elapsed);

        public void Dispose()
        {
            if (!_ended)
            {
                _ended = true;
                progress.End(this);
            }
        }
    }
}
