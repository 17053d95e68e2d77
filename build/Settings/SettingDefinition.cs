namespace Mesh.Build.Settings;

/// <summary>
/// One setting as users see it: the kebab-case key used in mesh.yaml and on the command line (the
/// environment variable is MESH_ plus the key in upper snake case), its default, and how a value is checked.
/// </summary>
/// <param name="Key">kebab-case name, e.g. <c>istio-version</c>.</param>
/// <param name="Default">the value when no layer sets it; empty means "not set".</param>
/// <param name="Description">one line for --help and the README.</param>
/// <param name="Check">returns null when the value is acceptable, else what is wrong and what to write instead.</param>
/// <param name="IsSecret">redacted wherever settings are printed.</param>
/// <param name="IsPath">relative values are resolved against the directory of the layer that set them.</param>
public sealed record SettingDefinition(
    string Key,
    string Default,
    string Description,
    Func<string, string?> Check,
    bool IsSecret = false,
    bool IsPath = false)
{
    public string EnvironmentVariable => "MESH_" + Key.Replace('-', '_').ToUpperInvariant();
}
