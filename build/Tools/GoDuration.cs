using System.Globalization;

namespace Mesh.Build.Tools;

/// <summary>Durations as helm and kubectl read them (Go's <c>time.ParseDuration</c>): whole seconds, <c>300s</c>.</summary>
public static class GoDuration
{
    public static string Format(TimeSpan duration) =>
        ((long)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
