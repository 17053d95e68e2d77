using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// One runner at a time on a cluster: a <c>coordination.k8s.io/v1</c> Lease, <c>kube-system/mesh-build</c>, held for
/// the run and renewed while it runs. kube-system because it exists in every cluster before the first run and
/// survives Teardown, which removes istio-system. Who holds it is said as host, process and start time. A
/// second run waits for it up to <c>lock-timeout</c>; a lease whose holder stopped renewing for longer than its
/// duration is taken over, and so, at once, is one whose holder was a process on this host that is gone (a run
/// killed with SIGKILL cannot give its lease back). Writes are guarded by the Lease's resourceVersion, so two runs racing for it cannot both win.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    public const string Namespace = "kube-system";
    public const string Name = "mesh-build";

    private readonly Cluster _cluster;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewing;

    private RunLease(Cluster cluster, string holder, TimeSpan duration, Action<string> log)
    {
        _cluster = cluster;
        Holder = holder;
        Duration = duration;
        _log = log;
    }

    /// <summary>This run's identity in the Lease: host, process and start time.</summary>
    public string Holder { get; }

    public TimeSpan Duration { get; }

    /// <summary>This process's identity: <c>HOST/pid PID/started TIME</c>.</summary>
    public static string ThisRun()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return $"{Environment.MachineName}/pid {Environment.ProcessId}/started {StartedAt(process)}";
    }

    private static string StartedAt(System.Diagnostics.Process process) => process.StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether a holder (<see cref="ThisRun"/>'s form) names a run on this host whose process is gone: no process has
    /// its pid, or the one that has it started at another time (the pid was used again). A holder on another host, or
    /// in another form, is never judged gone: its lease is waited for until it expires.
    /// </summary>
    public static bool IsGoneFromThisHost(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var parts = holder.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !parts[1].StartsWith("pid ", StringComparison.Ordinal) || !int.TryParse(parts[1]["pid ".Length..], CultureInfo.InvariantCulture, out var pid)
            || !parts[2].StartsWith("started ", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return StartedAt(process) != parts[2]["started ".Length..];
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            // It ended while we looked.
            return true;
        }
    }

    /// <summary>Takes the lease, waiting up to <paramref name="wait"/> for another holder; renews it until disposed.</summary>
    public static async Task<RunLease> AcquireAsync(Cluster cluster, string holder, TimeSpan duration, TimeSpan wait, Action<string> log, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(log);
        var lease = new RunLease(cluster, holder, duration, log);
        var deadline = DateTimeOffset.UtcNow + wait;
        var said = false;
        while (true)
        {
            var current = await cluster.GetAsync("coordination.k8s.io/v1", "Lease", Name, Namespace, cancel);
            var now = DateTimeOffset.UtcNow;
            if (current is null)
            {
                if (await cluster.CreateAsync(lease.Spec(null, now, transitions: 0), cancel) is not null)
                {
                    break;
                }

                continue;
            }

            var other = (string?)current["spec"]?["holderIdentity"];
            var renewed = Time(current["spec"]?["renewTime"]) ?? Time(current["spec"]?["acquireTime"]);
            var seconds = (int?)current["spec"]?["leaseDurationSeconds"] ?? (int)duration.TotalSeconds;
            var expired = renewed is null || renewed.Value.AddSeconds(seconds) < now;
            var gone = !expired && !string.IsNullOrEmpty(other) && other != holder && IsGoneFromThisHost(other);
            if (string.IsNullOrEmpty(other) || other == holder || expired || gone)
            {
                var transitions = ((int?)current["spec"]?["leaseTransitions"] ?? 0) + (other == holder ? 0 : 1);
                if (await cluster.ReplaceAsync(lease.Spec(current, now, transitions), cancel) is not null)
                {
                    if (gone)
                    {
                        log($"Took over the lease {Namespace}/{Name} from {other} at once: that process is no longer running on this host (killed, or the machine restarted), though its lease would last until {Show(renewed?.AddSeconds(seconds))}.");
                    }
                    else if (!string.IsNullOrEmpty(other) && other != holder)
                    {
                        log($"Took over the lease {Namespace}/{Name} from {other}, which stopped renewing it at {Show(renewed)} (more than {seconds} s ago).");
                    }

                    break;
                }

                continue;
            }

            if (now >= deadline)
            {
                throw new LeaseHeldException(
                    $"Another run holds the cluster: the Lease {Namespace}/{Name} is held by {other} (last renewed {Show(renewed)}, for {seconds} s at a time). " +
                    $"Waited {Tools.GoDuration.Format(wait)} (lock-timeout) for it. Let that run finish and run again, or raise --lock-timeout; " +
                    $"if that run is gone, its lease expires {seconds} s after its last renewal and the next run takes it over.");
            }

            if (!said)
            {
                log($"Another run holds the cluster (Lease {Namespace}/{Name}: {other}); waiting up to {Tools.GoDuration.Format(wait)} (lock-timeout) for it to finish.");
                said = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, Math.Max(0.1, (deadline - now).TotalSeconds))), cancel);
        }

        lease._renewing = lease.RenewAsync();
        return lease;
    }

    /// <summary>Stops renewing and gives the lease back (deletes it, when it is still ours).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_renewing is not null)
        {
            await _renewing;
        }

        try
        {
            var current = await _cluster.GetAsync("coordination.k8s.io/v1", "Lease", Name, Namespace);
            if ((string?)current?["spec"]?["holderIdentity"] == Holder)
            {
                await _cluster.DeleteAsync("coordination.k8s.io/v1", "Lease", Name, Namespace);
            }
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            _log($"The lease {Namespace}/{Name} could not be given back ({e.Message}); it expires {Duration.TotalSeconds:0} s after its last renewal.");
        }

        _stop.Dispose();
    }

    private async Task RenewAsync()
    {
        var every = TimeSpan.FromTicks(Duration.Ticks / 3);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _stop.Token);
                var current = await _cluster.GetAsync("coordination.k8s.io/v1", "Lease", Name, Namespace, _stop.Token);
                if ((string?)current?["spec"]?["holderIdentity"] != Holder)
                {
                    _log($"The lease {Namespace}/{Name} is no longer this run's (now: {(string?)current?["spec"]?["holderIdentity"] ?? "nobody"}); another run may be working on the cluster.");
                    return;
                }

                current!["spec"]!["renewTime"] = MicroTime(DateTimeOffset.UtcNow);
                await _cluster.ReplaceAsync(current, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or Polly.Timeout.TimeoutRejectedException)
            {
                _log($"Renewing the lease {Namespace}/{Name} failed ({e.Message}); trying again.");
            }
        }
    }

    private JsonObject Spec(JsonObject? current, DateTimeOffset now, int transitions)
    {
        var lease = current ?? new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "mesh-build" } },
        };
        lease["spec"] = new JsonObject
        {
            ["holderIdentity"] = Holder,
            ["leaseDurationSeconds"] = (int)Duration.TotalSeconds,
            ["acquireTime"] = MicroTime(now),
            ["renewTime"] = MicroTime(now),
            ["leaseTransitions"] = transitions,
        };
        return lease;
    }

    private static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse((string?)node, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static string Show(DateTimeOffset? time) => time?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "never";
}

/// <summary>Another run holds the cluster's Lease, and lock-timeout passed.</summary>
public sealed class LeaseHeldException(string message) : Exception(message);
