namespace Mesh.Build.Tools;

/// <summary>
/// A tool exited with an error. The message carries everything needed to act on it without re-running
/// with more logging: the tool, its arguments with secrets redacted, the exit code and the end of stderr.
/// Cake's own <c>CakeException</c> is sealed, so this derives from <see cref="Exception"/> and carries the
/// exit code itself.
/// </summary>
public sealed class ToolCommandException : Exception
{
    public const int StandardErrorTailLines = 10;

    public ToolCommandException(string toolName, string safeArguments, int exitCode, IReadOnlyList<string> standardError)
        : base(BuildMessage(toolName, safeArguments, exitCode, standardError))
    {
        ToolName = toolName;
        ExitCode = exitCode;
        SafeArguments = safeArguments;
        StandardErrorTail = Tail(standardError);
    }

    public string ToolName { get; }

    public int ExitCode { get; }

    public string SafeArguments { get; }

    public IReadOnlyList<string> StandardErrorTail { get; }

    /// <summary>The last line the tool wrote to stderr, which is usually its error; for messages that quote it.</summary>
    public string LastError => StandardErrorTail.LastOrDefault(line => line.Trim().Length > 0)?.Trim() ?? $"exit code {ExitCode}";

    private static string BuildMessage(string toolName, string safeArguments, int exitCode, IReadOnlyList<string> standardError)
    {
        var tail = Tail(standardError);
        var message = $"{toolName} {safeArguments} failed with exit code {exitCode}.";
        return tail.Count == 0
            ? message + " It wrote nothing to stderr."
            : message + Environment.NewLine + string.Join(Environment.NewLine, tail.Select(line => "  " + line));
    }

    private static List<string> Tail(IReadOnlyList<string> lines)
    {
        var meaningful = lines.Where(line => !string.IsNullOrWhiteSpace(line)).ToList();
        return meaningful.Skip(Math.Max(0, meaningful.Count - StandardErrorTailLines)).ToList();
    }
}
