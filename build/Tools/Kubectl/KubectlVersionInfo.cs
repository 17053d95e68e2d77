using System.Text.Json;

namespace Mesh.Build.Tools.Kubectl;

/// <summary>
/// <c>kubectl version -o json</c>. The versions come from <c>gitVersion</c> (<c>v1.35.2</c>), not from
/// <c>major</c>/<c>minor</c>, which vendors decorate (<c>"minor": "32+"</c>).
/// </summary>
public sealed record KubectlVersionInfo(ToolVersion Client, string ClientGitVersion, ToolVersion? Server, string? ServerGitVersion)
{
    public static KubectlVersionInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var client = GitVersion(root, "clientVersion")
            ?? throw new FormatException("kubectl version printed no clientVersion.gitVersion.");
        var server = GitVersion(root, "serverVersion");
        return new KubectlVersionInfo(ToolVersion.Parse(client), client, server is null ? null : ToolVersion.Parse(server), server);
    }

    private static string? GitVersion(JsonElement root, string property) =>
        root.TryGetProperty(property, out var version) && version.TryGetProperty("gitVersion", out var git) ? git.GetString() : null;
}
