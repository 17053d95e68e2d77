namespace Mesh.ClusterSimulator;

/// <summary>
/// The kinds one simulated API server serves: the built-ins, plus each served version of every
/// established CustomResourceDefinition. Discovery, OpenAPI and routing all read it, so a kind appears
/// and disappears everywhere at once.
/// </summary>
public sealed class KindRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceKind>> _custom = new(StringComparer.Ordinal);
    private IReadOnlyList<ResourceKind> _all = ResourceKind.BuiltIn;

    /// <summary>A snapshot: built-ins first, then custom kinds in the order their definitions came.</summary>
    public IReadOnlyList<ResourceKind> All => Volatile.Read(ref _all);

    public ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    /// <summary>Serves <paramref name="kinds"/> for the definition <paramref name="crdName"/>, replacing what it served before.</summary>
    public void Define(string crdName, IReadOnlyList<ResourceKind> kinds)
    {
        lock (_gate)
        {
            _custom[crdName] = kinds;
            Rebuild();
        }
    }

    /// <summary>Stops serving the kinds of <paramref name="crdName"/>; returns them.</summary>
    public IReadOnlyList<ResourceKind> Remove(string crdName)
    {
        lock (_gate)
        {
            if (!_custom.Remove(crdName, out var kinds))
            {
                return [];
            }

            Rebuild();
            return kinds;
        }
    }

    private void Rebuild() => Volatile.Write(ref _all, [.. ResourceKind.BuiltIn, .. _custom.Values.SelectMany(k => k)]);
}
