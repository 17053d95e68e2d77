namespace Mesh.EndToEnd.Tests;

/// <summary>What a user sees when a task's proof fails: exit code 1 and the task's message.</summary>
public static class ProofAssert
{
    /// <summary>The run failed with exit code 1 and printed every one of <paramref name="messages"/>; else the whole run is shown.</summary>
    public static void Failed(PipelineRun run, params string[] messages)
    {
        ArgumentNullException.ThrowIfNull(run);
        var missing = messages.Where(message => !run.Output.Contains(message, StringComparison.Ordinal)).ToList();
        Assert.True(
            run.ExitCode == 1 && missing.Count == 0,
            $"expected exit 1 with {string.Join(" and ", messages.Select(message => $"\"{message}\""))}; missing: {string.Join(", ", missing.Select(message => $"\"{message}\""))}{Environment.NewLine}{run}");
    }
}
