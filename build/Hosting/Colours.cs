namespace Mesh.Build.Hosting;

/// <summary>
/// Whether output may carry escape codes: only when standard output is a terminal, never with <c>NO_COLOR</c>
/// set (https://no-color.org) or <c>TERM=dumb</c>. Cake's console and Spectre look at <c>TERM</c> alone, so a
/// redirected run under <c>TERM=xterm</c> would otherwise write colour codes into the log file.
/// </summary>
public static class Colours
{
    public static bool Allowed() => Allowed(Console.IsOutputRedirected, Environment.GetEnvironmentVariable);

    public static bool Allowed(bool outputRedirected, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return !outputRedirected
            && string.IsNullOrEmpty(variable("NO_COLOR"))
            && !string.Equals(variable("TERM"), "dumb", StringComparison.Ordinal);
    }
}
