using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Mesh.Build.Kubernetes;

/// <summary>How hard the door tries: attempts, the backoff between them, one attempt's time and the time of all of them.</summary>
public sealed record RetryLimits(int Attempts, TimeSpan FirstDelay, TimeSpan LongestDelay, TimeSpan AttemptTimeout, TimeSpan TotalTime)
{
    /// <summary>Six attempts, 0.2 s doubling (with jitter) up to 10 s, 60 s an attempt, 3 min in all.</summary>
    public static RetryLimits Default { get; } = new(6, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(3));
}

/// <summary>
/// Which failures of a request are worth another attempt, and the Polly pipeline that makes them: 429 (after its
/// Retry-After), 500, 502, 503, 504, a connection reset or dropped, an attempt that timed out. Everything else
/// (400, 401, 403, 404, 409, 422) is the server's answer and goes back to the caller at once.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(HttpStatusCode status) => (int)status is 429 or 500 or 502 or 503 or 504;

    /// <summary>A failure of the connection rather than an answer: reset, dropped, timed out. A rejected certificate is not one.</summary>
    public static bool IsTransient(Exception error, bool connectionFailures) => error switch
    {
        TimeoutRejectedException => true,
        _ when Find<AuthenticationException>(error) is not null => false,
        // HttpClient's own timeout: a TaskCanceledException carrying a TimeoutException.
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ when !connectionFailures => false,
        HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>
    /// The pipeline for one request: a bound on all attempts, the retries with exponential backoff and jitter
    /// (a Retry-After the server sent wins, up to <see cref="RetryLimits.LongestDelay"/>), and a bound on each attempt.
    /// <paramref name="connectionFailures"/> false retries only the server's transient answers (for the first probe,
    /// where an unreachable server is to be said at once).
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> Pipeline(RetryLimits limits, bool connectionFailures, Action<string>? retried)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(limits.TotalTime)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(0, limits.Attempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = limits.FirstDelay,
                MaxDelay = limits.LongestDelay,
                ShouldHandle = async arguments =>
                    arguments.Outcome.Result is { } response ? IsTransient(response.StatusCode) && !await IsVerdictAsync(response)
                    : arguments.Outcome.Exception is { } error && !arguments.Context.CancellationToken.IsCancellationRequested && IsTransient(error, connectionFailures),
                DelayGenerator = arguments => ValueTask.FromResult(RetryAfter(arguments.Outcome.Result, limits.LongestDelay)),
                OnRetry = arguments =>
                {
                    var why = arguments.Outcome.Result is { } response ? $"{(int)response.StatusCode} {response.StatusCode}" : arguments.Outcome.Exception?.GetBaseException().Message;
                    retried?.Invoke($"{why}; attempt {arguments.AttemptNumber + 2} of {limits.Attempts} in {arguments.RetryDelay.TotalSeconds:0.##} s");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(limits.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// A 500 that is the server's verdict on the request, not its passing trouble: server-side apply answers a field it
    /// cannot convert to the kind's type with 500 "failed to create typed patch object"; sending it again changes nothing.
    /// </summary>
    private static async Task<bool> IsVerdictAsync(HttpResponseMessage response) =>
        (int)response.StatusCode == 500
        && (await response.Content.ReadAsStringAsync()).Contains("failed to create typed patch object", StringComparison.Ordinal);

    /// <summary>The server's Retry-After (seconds or a date), capped; null lets the backoff decide.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan longest)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, 0, longest.Ticks)) : null;
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in <paramref name="e"/>'s chain of inner exceptions.</summary>
    internal static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
