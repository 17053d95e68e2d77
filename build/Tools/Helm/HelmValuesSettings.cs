using Cake.Core.IO;

namespace Mesh.Build.Tools.Helm;

/// <summary>Chart values, for the commands that render a chart: upgrade and template.</summary>
public class HelmValuesSettings : HelmSettings
{
    /// <summary><c>-f</c>, in order: later files win.</summary>
    public IList<FilePath> ValuesFiles { get; } = [];

    /// <summary><c>--set key=value</c>, after the values files.</summary>
    public IDictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>--set key=value</c> whose value must never reach a log: rendered as <c>[REDACTED]</c> there.</summary>
    public IDictionary<string, string> SecretValues { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
