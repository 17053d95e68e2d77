using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>Cake's console over plain writers, without colours: for tests and for output that is captured.</summary>
public sealed class TextWriterConsole(TextWriter output, TextWriter error) : IConsole
{
    public ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public bool SupportAnsiEscapeCodes => false;

    public void Write(string format, params object[] arg) => output.Write(Format(format, arg));

    public void WriteLine(string format, params object[] arg) => output.WriteLine(Format(format, arg));

    public void WriteError(string format, params object[] arg) => error.Write(Format(format, arg));

    public void WriteErrorLine(string format, params object[] arg) => error.WriteLine(Format(format, arg));

    public void Write(string value) => output.Write(value);

    public void WriteLine(string value) => output.WriteLine(value);

    public void WriteError(string value) => error.Write(value);

    public void WriteErrorLine(string value) => error.WriteLine(value);

    public void ResetColor()
    {
    }

    private static string Format(string format, object[] arg) => arg.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg);
}
