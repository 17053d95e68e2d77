namespace Mesh.Build.Settings;

/// <summary>
/// Everything settings are read from, passed in so that loading is a pure function of its inputs.
/// </summary>
/// <param name="RepositoryRoot">where the default <c>mesh.yaml</c> is looked for.</param>
/// <param name="WorkingDirectory">what relative paths from the environment and the command line are relative to.</param>
/// <param name="Environment">the process environment; only MESH_* variables are read.</param>
/// <param name="Arguments">the command-line arguments the host did not take, in order.</param>
/// <param name="HostOptions">the host's own option names, offered as suggestions for misspelt arguments.</param>
public sealed record SettingsSources(
    string RepositoryRoot,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<KeyValuePair<string, string>> Arguments,
    IReadOnlyCollection<string> HostOptions);
