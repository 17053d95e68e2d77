using System.Text.RegularExpressions;
using Mesh.Build.Tools;
using Polly;
using Polly.Retry;

namespace Mesh.Build.Charts;

/// <summary>
/// Which helm failures are the API server's passing trouble rather than helm's verdict: a connection refused or
/// reset, a 5xx or 429 answer, "the server is currently unable to handle the request", an i/o or TLS handshake
/// timeout. helm's own time running out while it waits for resources (<c>context deadline exceeded</c>,
/// <c>timed out waiting for the condition</c>) is a verdict, as is "another operation is in progress".
/// </summary>
public static partial class HelmTransient
{
    public static bool IsTransient(ToolCommandException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var text = string.Join("\n", failure.StandardErrorTail);
        return !Verdict().IsMatch(text) && Passing().IsMatch(text);
    }

    /// <summary>Up to <paramref name="attempts"/> runs of a helm command, 1 s then 2 s, 4 s ... (with jitter) apart.</summary>
    public static ResiliencePipeline Pipeline(int attempts, TimeSpan firstDelay, Action<string> retried) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, attempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay,
                MaxDelay = TimeSpan.FromSeconds(15),
                ShouldHandle = new PredicateBuilder().Handle<ToolCommandException>(IsTransient),
                OnRetry = arguments =>
                {
                    retried($"helm met a transient failure ({(arguments.Outcome.Exception as ToolCommandException)?.LastError}); attempt {arguments.AttemptNumber + 2} of {attempts} in {arguments.RetryDelay.TotalSeconds:0.#} s");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    [GeneratedRegex(@"connection refused|connection reset|broken pipe|unexpected EOF|the server is currently unable|Internal error occurred|Too many requests|TLS handshake timeout|i/o timeout|http2: server sent GOAWAY|\b(429|500|502|503|504)\b|ServiceUnavailable|InternalError|TooManyRequests", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Passing();

    [GeneratedRegex(@"another operation \(install/upgrade/rollback\) is in progress|timed out waiting for the condition|context deadline exceeded|has no deployed releases", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Verdict();
}
