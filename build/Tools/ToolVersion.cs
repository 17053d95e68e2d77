using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Build.Tools;

/// <summary>
/// A tool's version as major.minor.patch, read from whatever the tool prints: <c>v4.1.4</c>,
/// <c>v3.18.0+gcc58e3f</c>, <c>v1.32.4-dispatcher</c> or <c>version.BuildInfo{Version:"v3.18.0", ...}</c>.
/// Build metadata and pre-release suffixes are ignored: we compare releases, not builds.
/// </summary>
public readonly partial record struct ToolVersion(int Major, int Minor, int Patch) : IComparable<ToolVersion>
{
    public static ToolVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"No version like v1.2.3 in '{text.Trim()}'.");

    public static bool TryParse(string? text, out ToolVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = VersionPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        version = new ToolVersion(
            int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture),
            match.Groups["patch"].Success ? int.Parse(match.Groups["patch"].Value, CultureInfo.InvariantCulture) : 0);
        return true;
    }

    public int CompareTo(ToolVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(ToolVersion left, ToolVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(ToolVersion left, ToolVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(ToolVersion left, ToolVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ToolVersion left, ToolVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"v{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"v?(?<major>\d+)\.(?<minor>\d+)(?:\.(?<patch>\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
