using Mesh.Build.Hosting;

namespace Mesh.Build.Tests.Hosting;

/// <summary>The terminal's live line: drawn at the bottom, taken away before every log line and put back after it.</summary>
public sealed class StatusLineConsoleTests
{
    private const string Erase = "\r\u001b[2K";

    private readonly StringWriter _terminal = new();

    [Fact]
    public void A_log_line_takes_the_live_line_away_and_puts_it_back_after()
    {
        var console = Console(width: 80);

        console.Show("waiting for istiod");
        console.WriteLine("istio-base: installed");

        Assert.Equal($"⠙ waiting for istiod{Erase}istio-base: installed\n⠙ waiting for istiod", Output());
    }

    [Fact]
    public void A_line_written_in_pieces_is_not_cut_by_the_live_line()
    {
        var console = Console(width: 80);

        console.Write("istio-system/");
        console.Show("waiting for istiod");
        console.Write("istiod");
        console.WriteLine(" is available");

        Assert.Equal("istio-system/istiod is available\n⠙ waiting for istiod", Output());
    }

    [Fact]
    public void Taking_the_line_away_erases_it_and_later_lines_are_plain()
    {
        var console = Console(width: 80);

        console.Show("waiting for istiod");
        console.Show(null);
        console.WriteLine("done");

        Assert.Equal($"⠙ waiting for istiod{Erase}done\n", Output());
    }

    [Theory]
    [InlineData(20, "⠙ waiting for the …")] // 19 columns: the last one stays free for the cursor
    [InlineData(0, "⠙ waiting for the gateway's pods")] // a terminal that does not tell its width
    public void A_line_longer_than_the_terminal_is_cut_so_that_it_never_wraps(int width, string shown)
    {
        Console(width).Show("waiting for the gateway's pods");

        Assert.Equal(shown, Output());
    }

    private StatusLineConsole Console(int width) => new(new TextWriterConsole(_terminal, _terminal), _terminal, () => width);

    private string Output() => _terminal.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal);
}
