using System.Text.RegularExpressions;

namespace Mesh.Build.Tests;

/// <summary>
/// A tag can be moved to other code after we reviewed it; a commit cannot. Every action our workflows and the
/// README's example use is pinned by its full commit, with the release it is in as a comment for the reader.
/// </summary>
public sealed partial class WorkflowPinningTests
{
    private static readonly string Root = BuildContext.FindRepositoryRoot(AppContext.BaseDirectory);

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>("README.md");
        foreach (var workflow in Directory.GetFiles(Path.Combine(Root, ".github", "workflows"), "*.yml").Order())
        {
            files.Add(Path.GetRelativePath(Root, workflow));
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_action_is_pinned_by_commit_with_its_release_named(string file)
    {
        var uses = File.ReadAllLines(Path.Combine(Root, file))
            .Select(line => UsesLine().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["reference"].Value)
            .ToList();

        Assert.NotEmpty(uses);
        Assert.All(uses, reference => Assert.Matches(PinnedReference(), reference));
    }

    [GeneratedRegex(@"^\s*(?:-\s+)?uses:\s*(?<reference>.+)$")]
    private static partial Regex UsesLine();

    // owner/name@40 hex digits # vMAJOR.MINOR.PATCH
    [GeneratedRegex(@"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\b")]
    private static partial Regex PinnedReference();
}
