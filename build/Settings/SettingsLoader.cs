using Mesh.Build.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Build.Settings;

/// <summary>A setting's effective value and the layer it came from ("default", a file, a variable or an argument).</summary>
public sealed record SettingValue(string Value, string Source);

/// <summary>
/// Reads the settings in layers, later wins: defaults, then mesh.yaml (or <c>--config=PATH</c>), then MESH_*
/// environment variables, then <c>--key=value</c> arguments. Every problem is collected and reported at once,
/// as an <see cref="InvalidInputException"/>, before anything touches a cluster.
/// </summary>
public static class SettingsLoader
{
    public const string ConfigFileName = "mesh.yaml";

    /// <summary>Arguments that choose how settings are read rather than being settings themselves.</summary>
    public static readonly IReadOnlyList<string> ControlArguments = ["config", "print-settings"];

    public static MeshSettings Load(SettingsSources sources)
    {
        var values = SettingsCatalog.All.ToDictionary(
            setting => setting.Key,
            setting => new SettingValue(setting.Default, "default"),
            StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        ReadConfigFile(sources, values, problems);
        ReadEnvironment(sources, values, problems);
        ReadArguments(sources, values, problems);

        foreach (var setting in SettingsCatalog.All)
        {
            var value = values[setting.Key];
            if (setting.Check(value.Value) is { } problem)
            {
                problems.Add($"{setting.Key} (from {value.Source}): {problem}");
            }
        }

        problems.AddRange(CheckCombinations(values));
        if (problems.Count > 0)
        {
            throw new InvalidInputException(problems);
        }

        return new MeshSettings(values);
    }

    private static void ReadConfigFile(SettingsSources sources, Dictionary<string, SettingValue> values, List<string> problems)
    {
        var explicitPath = sources.Arguments.LastOrDefault(argument => argument.Key.Equals("config", StringComparison.OrdinalIgnoreCase)).Value
            ?? sources.Environment.GetValueOrDefault("MESH_CONFIG");
        var path = explicitPath is null
            ? Path.Combine(sources.RepositoryRoot, ConfigFileName)
            : Path.GetFullPath(explicitPath, sources.WorkingDirectory);
        if (!File.Exists(path))
        {
            if (explicitPath is not null)
            {
                problems.Add($"config: the settings file '{path}' does not exist.");
            }

            return;
        }

        var source = Path.GetFileName(path);
        var directory = Path.GetDirectoryName(path)!;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(path))
            {
                stream.Load(reader);
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                return;
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                problems.Add($"{path}: expected a mapping of settings (key: value), found {stream.Documents[0].RootNode.NodeType}.");
                return;
            }

            root = mapping;
        }
        catch (YamlException exception)
        {
            problems.Add($"{path}:{exception.Start.Line}:{exception.Start.Column}: not valid YAML: {exception.Message}");
            return;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's parser gives up this way on some unclosed flow collections ("[a" at the end of a file).
            problems.Add($"{path}: not valid YAML: the parser stopped before the end of the file (an unclosed [ or {{?). Fix the file.");
            return;
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var where = $"{source}:{keyNode.Start.Line}";
            var setting = SettingsCatalog.Find(key);
            if (setting is null)
            {
                problems.Add($"{where}: unknown setting '{key}'{Checks.Suggest(key, SettingsCatalog.All.Select(s => s.Key))}.");
                continue;
            }

            var value = valueNode switch
            {
                YamlScalarNode scalar => scalar.Value ?? string.Empty,
                YamlSequenceNode sequence when sequence.Children.All(item => item is YamlScalarNode) =>
                    string.Join(",", sequence.Children.Cast<YamlScalarNode>().Select(item => item.Value)),
                _ => null,
            };
            if (value is null)
            {
                problems.Add($"{where}: '{key}' expects a value or a list of values, not a {valueNode.NodeType}.");
                continue;
            }

            Set(values, setting, value, where, directory);
        }
    }

    private static void ReadEnvironment(SettingsSources sources, Dictionary<string, SettingValue> values, List<string> problems)
    {
        var known = SettingsCatalog.All.ToDictionary(setting => setting.EnvironmentVariable, StringComparer.Ordinal);
        foreach (var (name, value) in sources.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith("MESH_", StringComparison.Ordinal) || name == "MESH_CONFIG")
            {
                continue;
            }

            if (known.TryGetValue(name, out var setting))
            {
                Set(values, setting, value, name, sources.WorkingDirectory);
            }
            else
            {
                problems.Add($"{name}: unknown setting{Checks.Suggest(name, known.Keys)}. Variables starting with MESH_ are read as settings.");
            }
        }
    }

    private static void ReadArguments(SettingsSources sources, Dictionary<string, SettingValue> values, List<string> problems)
    {
        var suggestions = SettingsCatalog.All.Select(setting => setting.Key).Concat(sources.HostOptions).Concat(ControlArguments).ToList();
        foreach (var (key, value) in sources.Arguments)
        {
            if (ControlArguments.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (SettingsCatalog.Find(key) is { } setting)
            {
                Set(values, setting, value, $"--{setting.Key}", sources.WorkingDirectory);
            }
            else
            {
                problems.Add($"--{key}: unknown argument{Checks.Suggest(key, suggestions)}. Run with --help for the list.");
            }
        }
    }

    private static void Set(Dictionary<string, SettingValue> values, SettingDefinition setting, string value, string source, string baseDirectory)
    {
        var trimmed = value.Trim();
        if (setting.IsPath && trimmed.Length > 0)
        {
            trimmed = Path.GetFullPath(trimmed.StartsWith('~') ? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile) + trimmed[1..] : trimmed, baseDirectory);
        }

        values[setting.Key] = new SettingValue(trimmed, source);
    }

    private static IEnumerable<string> CheckCombinations(Dictionary<string, SettingValue> values)
    {
        string Value(string key) => values[key].Value;
        string Source(string key) => values[key].Source;

        var provider = Value("dns-provider");
        if (!provider.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (Value("domain").Length == 0)
            {
                yield return $"domain: dns-provider is '{provider}' (from {Source("dns-provider")}) but no domain is set; set --domain=example.com, or --dns-provider=none.";
            }

            if (Value("dns-credentials-secret").Length == 0 && !provider.Equals("inmemory", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"dns-credentials-secret: dns-provider '{provider}' needs credentials; create a Secret with them and name it with --dns-credentials-secret=NAME.";
            }
        }

        if (Value("upgrade-strategy").Equals("canary", StringComparison.OrdinalIgnoreCase))
        {
            if (Value("istio-revision").Length > 0)
            {
                yield return $"istio-revision: upgrade-strategy is canary (from {Source("upgrade-strategy")}), which names each revision from istio-version; unset istio-revision (from {Source("istio-revision")}).";
            }

            if (Value("proofs").Equals("off", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"proofs: upgrade-strategy is canary (from {Source("upgrade-strategy")}), which promotes a new revision only once the proofs pass; set proofs to always or on-change.";
            }
        }

        if (Value("tls-mode").Equals("cert-manager", StringComparison.OrdinalIgnoreCase) && Value("cert-manager-issuer").Length == 0)
        {
            yield return $"cert-manager-issuer: tls-mode is cert-manager (from {Source("tls-mode")}) but no issuer is named; set --cert-manager-issuer=NAME.";
        }
    }
}
