namespace Mesh.Build.Charts;

/// <summary>
/// The charts a task installs, by id (see <see cref="Settings.ChartSource"/>), so a run can look them all up
/// before its first task changes anything. Charts the settings switch off are not looked up.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InstallsChartsAttribute(params string[] ids) : Attribute
{
    public IReadOnlyList<string> Ids { get; } = ids;
}
