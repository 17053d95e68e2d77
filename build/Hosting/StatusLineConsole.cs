using Cake.Core;
using Spectre.Console;

namespace Mesh.Build.Hosting;

/// <summary>
/// Cake's console on a terminal, with a live line at the bottom that says what the run is waiting for, redrawn in
/// place with a spinner. Every other write takes the line away first and puts it back after its line ends, so log
/// lines from any thread never mix with it. Spectre's own Status and Live displays cannot do this: they are not
/// thread safe and do not share the terminal with other output, and Cake's log writes from whichever thread logs.
/// </summary>
public sealed class StatusLineConsole(IConsole inner, TextWriter terminal, Func<int> width) : IConsole
{
    private const string EraseLine = "\r\u001b[2K";
    private static readonly IReadOnlyList<string> Frames = Spinner.Known.Dots.Frames;

    private readonly Lock _gate = new();
    private string? _status;
    private bool _shown;
    private bool _midLine;
    private int _frame;

    /// <summary>On the process's terminal: its width as it is now, whenever the line is drawn.</summary>
    public StatusLineConsole(IConsole inner)
        : this(inner, Console.Out, TerminalWidth)
    {
    }

    public ConsoleColor ForegroundColor
    {
        get => inner.ForegroundColor;
        set => inner.ForegroundColor = value;
    }

    public ConsoleColor BackgroundColor
    {
        get => inner.BackgroundColor;
        set => inner.BackgroundColor = value;
    }

    public bool SupportAnsiEscapeCodes => inner.SupportAnsiEscapeCodes;

    /// <summary>Shows <paramref name="status"/> as the live line, or takes the line away when null.</summary>
    public void Show(string? status)
    {
        lock (_gate)
        {
            _status = status;
            _frame = (_frame + 1) % Frames.Count;
            if (!_midLine)
            {
                Redraw();
            }
        }
    }

    public void Write(string format, params object[] arg) => Segment(() => inner.Write(format, arg));

    public void WriteLine(string format, params object[] arg) => Line(() => inner.WriteLine(format, arg));

    public void WriteError(string format, params object[] arg) => Segment(() => inner.WriteError(format, arg));

    public void WriteErrorLine(string format, params object[] arg) => Line(() => inner.WriteErrorLine(format, arg));

    public void Write(string value) => Segment(() => inner.Write(value));

    public void WriteLine(string value) => Line(() => inner.WriteLine(value));

    public void WriteError(string value) => Segment(() => inner.WriteError(value));

    public void WriteErrorLine(string value) => Line(() => inner.WriteErrorLine(value));

    public void ResetColor() => inner.ResetColor();

    // Cake writes a log entry in pieces (one per colour) and ends it with a line: the live line waits for the end.
    private void Segment(Action write)
    {
        lock (_gate)
        {
            Erase();
            write();
            _midLine = true;
        }
    }

    private void Line(Action write)
    {
        lock (_gate)
        {
            Erase();
            write();
            _midLine = false;
            Redraw();
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private void Erase()
    {
        if (_shown)
        {
            terminal.Write(EraseLine);
            terminal.Flush();
            _shown = false;
        }
    }

    private void Redraw()
    {
        Erase();
        if (_status is null)
        {
            return;
        }

        // A line longer than the terminal would wrap, and erasing would then take away only its last row.
        var line = $"{Frames[_frame]} {_status}";
        // A terminal that does not tell its size (0 columns) gets the width Spectre assumes for logs.
        var columns = width() is var known and > 10 ? known - 1 : 119;
        terminal.Write(line.Length > columns ? string.Concat(line.AsSpan(0, columns - 1), "…") : line);
        terminal.Flush();
        _shown = true;
    }
}
