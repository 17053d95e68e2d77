namespace Mesh.Build.Settings;

/// <summary>The settings section of <c>--help</c>.</summary>
public static class SettingsHelp
{
    public static string Text()
    {
        var width = SettingsCatalog.All.Max(setting => setting.Key.Length) + 4;
        var lines = new List<string>
        {
            $"Settings (in {SettingsLoader.ConfigFileName} or --config=PATH, then MESH_* variables, then --name=value; later wins):",
            "  --config=PATH              read settings from PATH instead of mesh.yaml at the repository root",
        };
        lines.AddRange(SettingsCatalog.All.Select(setting =>
            $"  --{setting.Key.PadRight(width - 2)}{setting.Description}{(setting.Default.Length > 0 ? $" [default: {setting.Default}]" : string.Empty)}"));
        return string.Join(Environment.NewLine, lines);
    }
}
