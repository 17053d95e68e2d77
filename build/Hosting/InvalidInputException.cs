namespace Mesh.Build.Hosting;

/// <summary>
/// Bad command-line arguments or settings. Carries every problem found, so the user fixes them in one
/// go; the host prints them and exits with <see cref="ExitCodes.InvalidInput"/> before any task runs.
/// </summary>
public sealed class InvalidInputException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

public static class ExitCodes
{
    public const int Success = 0;
    public const int TaskFailed = 1;
    public const int InvalidInput = 2;
    public const int ClusterUnreachable = 3;
    public const int PlanHasChanges = 4;
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
