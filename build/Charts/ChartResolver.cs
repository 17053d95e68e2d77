using System.Text.RegularExpressions;
using Mesh.Build.Settings;
using Mesh.Build.Tools;
using YamlDotNet.RepresentationModel;

namespace Mesh.Build.Charts;

/// <summary>
/// A chart located: the chart name and version that turned out to be there, and what helm is given: a
/// <c>Reference</c> (a local path, <c>REPO/CHART</c> of a repository added for this run, or an <c>oci://</c>
/// reference) and a <c>RequestedVersion</c> for <c>--version</c> (null for a local chart, which is what it is).
/// </summary>
public sealed record ResolvedChart(string Id, string Name, string Version, string Reference, string? RequestedVersion, string Origin)
{
    /// <summary>How <c>helm list</c> names the chart of a release: <c>NAME-VERSION</c>.</summary>
    public string NameAndVersion => $"{Name}-{Version}";
}

/// <summary>
/// Finds the charts a run installs, once per run: in <c>chart-dir</c> when it is set, else in each chart's
/// repository (added and updated once per repository) or OCI registry. Every chart a run needs is looked up
/// before the first install, so a wrong name, version or repository stops the run with nothing changed.
/// </summary>
public sealed partial class ChartResolver(Helm helm, MeshSettings settings, Action<string> log)
{
    private readonly Dictionary<string, ResolvedChart> _resolved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _repositories = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Looks up every chart in <paramref name="ids"/>; all problems are reported together.</summary>
    public void Preflight(IEnumerable<string> ids)
    {
        var problems = new List<string>();
        foreach (var id in ids)
        {
            try
            {
                var chart = Resolve(id);
                log($"chart {id}: {chart.Name} {chart.Version} from {chart.Origin}");
            }
            catch (ChartNotFoundException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new ChartNotFoundException(
                $"{problems.Count} chart(s) cannot be used; nothing was installed:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        }
    }

    public ResolvedChart Resolve(string id) => Resolve(id, null);

    /// <summary>The chart at <paramref name="version"/> rather than the settings' (a release that stays at its own, such as a canary's old istiod); null is the settings'.</summary>
    public ResolvedChart Resolve(string id, string? version)
    {
        lock (_gate)
        {
            var key = version is null ? id : $"{id}@{version}";
            if (!_resolved.TryGetValue(key, out var chart))
            {
                var source = settings.Charts.TryGetValue(id, out var found)
                    ? found
                    : throw new ArgumentException($"No chart is known by the id '{id}'.", nameof(id));
                source = version is null ? source : source with { Version = version };
                chart = settings.ChartDirectory is { } directory ? FromDirectory(source, directory) : FromRepository(source);
                _resolved[key] = chart;
            }

            return chart;
        }
    }

    private ResolvedChart FromDirectory(ChartSource source, string directory)
    {
        var folder = Path.Combine(directory, source.Chart);
        var archive = Path.Combine(directory, $"{source.Chart}-{source.Version}.tgz");
        string reference, metadata;
        if (File.Exists(Path.Combine(folder, "Chart.yaml")))
        {
            (reference, metadata) = (folder, File.ReadAllText(Path.Combine(folder, "Chart.yaml")));
        }
        else if (File.Exists(archive))
        {
            (reference, metadata) = (archive, ShowChart(archive, null, source));
        }
        else
        {
            throw new ChartNotFoundException(
                $"{source.Chart}: not in chart-dir {directory} (looked for {folder}/Chart.yaml and {archive}). " +
                $"Fetch it with `helm pull {source.Chart} --repo {source.Repository} --version {source.Version} --destination {directory}`, or unset chart-dir.");
        }

        var (name, version) = NameAndVersion(metadata, reference);
        if (name != source.Chart)
        {
            throw new ChartNotFoundException($"{source.Chart}: {reference} holds a chart named '{name}', not '{source.Chart}'.");
        }

        if (version.TrimStart('v') != source.Version)
        {
            throw new ChartNotFoundException(
                $"{source.Chart}: chart-dir holds version {version} but {source.Version} is wanted ({VersionSetting(source)}). " +
                $"Put {source.Chart} {source.Version} in {directory}, or set {source.Id}-chart-version={version}.");
        }

        return new ResolvedChart(source.Id, name, version, reference, null, $"chart-dir {directory}");
    }

    private ResolvedChart FromRepository(ChartSource source)
    {
        string reference;
        if (source.Repository.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
        {
            reference = $"{source.Repository.TrimEnd('/')}/{source.Chart}";
        }
        else
        {
            var repository = RepositoryName(source.Repository);
            if (_repositories.Add(repository))
            {
                AddRepository(repository, source);
            }

            reference = $"{repository}/{source.Chart}";
        }

        var (name, version) = NameAndVersion(ShowChart(reference, source.Version, source), reference);
        return new ResolvedChart(source.Id, name, version, reference, source.Version, source.Repository);
    }

    private void AddRepository(string name, ChartSource source)
    {
        try
        {
            helm.RepoAdd(name, source.Repository, settings.ChartRepositoryUsername, settings.ChartRepositoryPassword);
            helm.RepoUpdate(name);
        }
        catch (ToolCommandException e)
        {
            throw new ChartNotFoundException(
                $"{source.Chart}: the repository {source.Repository} ({source.Id}-chart-repo) cannot be read: {e.LastError}. " +
                "Check the URL and network access, or use chart-dir with charts fetched beforehand.");
        }
    }

    private string ShowChart(string reference, string? version, ChartSource source)
    {
        try
        {
            return helm.ShowChart(reference, version);
        }
        catch (ToolCommandException e)
        {
            throw new ChartNotFoundException(
                $"{source.Chart} {source.Version}: not found at {source.Repository} ({source.Id}-chart-repo, {VersionSetting(source)}): {e.LastError}. " +
                $"List the versions there with `helm search repo {source.Chart} --versions` (after `helm repo add`), or `helm show chart {reference}`.");
        }
    }

    private static (string Name, string Version) NameAndVersion(string chartYaml, string reference)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(chartYaml));
        var root = yaml.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
        string? Field(string key) => root is not null && root.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
        return (Field("name"), Field("version")) switch
        {
            ({ } name, { } version) => (name, version),
            _ => throw new ChartNotFoundException($"{reference}: its Chart.yaml has no name or no version."),
        };
    }

    private static string VersionSetting(ChartSource source) =>
        source.Id is "base" or "istiod" or "gateway" ? $"istio-version or {source.Id}-chart-version" : $"{source.Id}-chart-version";

    /// <summary>A repository's local name, readable in <c>helm repo list</c>: its address without the scheme.</summary>
    private static string RepositoryName(string url)
    {
        var name = NotAllowedInRepositoryName().Replace(new Uri(url).GetComponents(UriComponents.Host | UriComponents.Path, UriFormat.Unescaped), "-").Trim('-');
        return $"mesh-{name}";
    }

    [GeneratedRegex("[^a-zA-Z0-9]+")]
    private static partial Regex NotAllowedInRepositoryName();
}

/// <summary>A chart that cannot be found or fetched as the settings describe it.</summary>
public sealed class ChartNotFoundException(string message) : Exception(message);
