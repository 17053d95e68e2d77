namespace Mesh.Build.Tools;

/// <summary>What a finished tool call left behind. Standard output is only collected when the call asked for it.</summary>
public sealed record ToolOutput(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    /// <summary>Standard output as one string, lines joined with <c>\n</c>, without the trailing empty line.</summary>
    public string Text => string.Join('\n', StandardOutput).TrimEnd('\n');
}
