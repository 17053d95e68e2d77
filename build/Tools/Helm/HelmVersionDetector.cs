using System.Collections.Concurrent;

namespace Mesh.Build.Tools.Helm;

/// <summary>
/// Helm 3 and Helm 4 spell the same intent differently (<c>--atomic</c> vs <c>--rollback-on-failure</c>,
/// <c>--wait</c> vs <c>--wait=watcher</c>, server-side apply). This reads helm's version output once per
/// binary (path, modification time and size, so a replaced binary is read again) and remembers it.
/// </summary>
public static class HelmVersionDetector
{
    /// <summary>The arguments that make helm print just its version, <c>v4.1.4</c>.</summary>
    public const string VersionTemplate = "{{.Version}}";

    private static readonly ConcurrentDictionary<string, ToolVersion> Detected = new(StringComparer.Ordinal);

    /// <summary>
    /// Parses <c>helm version --template {{.Version}}</c> (<c>v4.1.4</c>), <c>helm version --short</c>
    /// (<c>v3.18.0+gcc58e3f</c>) or plain <c>helm version</c> (<c>version.BuildInfo{Version:"v3.18.0", ...}</c>).
    /// </summary>
    public static ToolVersion Parse(string output)
    {
        var text = output.Trim();
        var start = text.IndexOf("Version:\"", StringComparison.Ordinal);
        if (start >= 0)
        {
            text = text[(start + "Version:\"".Length)..];
        }

        return ToolVersion.Parse(text);
    }

    /// <summary>Returns the remembered version of the helm at <paramref name="helmPath"/>, asking <paramref name="ask"/> once.</summary>
    public static ToolVersion Detect(string helmPath, Func<string> ask)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var file = new FileInfo(helmPath);
        var key = file.Exists ? $"{helmPath}|{file.LastWriteTimeUtc.Ticks}|{file.Length}" : helmPath;
        return Detected.GetOrAdd(key, _ => Parse(ask()));
    }
}
