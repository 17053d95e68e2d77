using Cake.Core;

namespace Mesh.Build.Tasks;

/// <summary>
/// The error a task raises until its work is built: a run that reaches it fails loudly, never succeeds silently.
/// </summary>
public static class NotImplementedYet
{
    public static CakeException For(string task, int issue) =>
        new($"{task} is not implemented yet (issue #{issue}); the tasks before it ran, nothing after it did.");
}
