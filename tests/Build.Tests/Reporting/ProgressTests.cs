using System.Collections.Concurrent;
using Mesh.Build.Reporting;

namespace Mesh.Build.Tests.Reporting;

/// <summary>Waits on a terminal: one live line, redrawn, naming the newest wait and how many run beside it.</summary>
public sealed class ProgressTests
{
    private readonly ConcurrentQueue<string?> _shown = new();
    private readonly List<string> _logged = [];

    [Fact]
    public async Task A_live_wait_is_shown_with_its_elapsed_time_and_taken_away_when_it_ends()
    {
        var progress = Live();

        using (progress.Start(elapsed => $"waiting for istiod: {Progress.Elapsed(elapsed)} so far"))
        {
            await Until(() => _shown.Count >= 2);
        }

        Assert.All(_shown.SkipLast(1), line => Assert.Matches(@"^waiting for istiod: \d+ s so far$", line));
        Assert.Null(_shown.Last());
        Assert.Empty(_logged);
    }

    [Fact]
    public async Task Waits_side_by_side_show_the_newest_and_count_the_others_until_the_last_ends()
    {
        var progress = Live();

        var grafana = progress.Start(_ => "installing grafana");
        var kiali = progress.Start(_ => "installing kiali");
        await Until(() => _shown.Contains("installing kiali (and 1 more)"));
        kiali.Dispose();
        await Until(() => _shown.Contains("installing grafana"));
        grafana.Dispose();
        var count = _shown.Count;
        await Task.Delay(600);

        Assert.Null(_shown.Last());
        Assert.Equal(count, _shown.Count);
    }

    [Fact]
    public async Task Without_a_terminal_a_plain_line_is_logged_every_interval()
    {
        var progress = new Progress(_logged.Add, TimeSpan.FromMilliseconds(100));

        using (progress.Start(_ => "waiting for istiod"))
        {
            await Until(() => _logged.Count >= 2);
        }

        Assert.All(_logged, line => Assert.Equal("waiting for istiod", line));
    }

    private Progress Live() => new(_logged.Add, TimeSpan.FromMilliseconds(100), _shown.Enqueue);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the progress never showed what was expected");
            await Task.Delay(20);
        }
    }
}
