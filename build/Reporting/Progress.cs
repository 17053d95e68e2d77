namespace Mesh.Build.Reporting;

/// <summary>
/// While something long runs (a wait on the cluster, a helm install), says every interval what is awaited and
/// for how long, so that minutes of waiting are not minutes of silence. One plain line each time: it reads the
/// same in a terminal and in a CI log.
/// </summary>
public sealed class Progress(Action<string> log, TimeSpan interval)
{
    /// <summary>Says nothing: for a cluster opened outside a run.</summary>
    public static Progress Silent { get; } = new(_ => { }, Timeout.InfiniteTimeSpan);

    /// <summary>Starts saying <paramref name="line"/> (given the time elapsed) every interval, until disposed.</summary>
    public IDisposable Start(Func<TimeSpan, string> line)
    {
        ArgumentNullException.ThrowIfNull(line);
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
}
