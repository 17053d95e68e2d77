namespace Mesh.Build.Reporting;

/// <summary>What became of one item of a task: a release, an object, a proof.</summary>
public enum Outcome
{
    Created,
    Changed,
    Unchanged,
    Proven,
    Skipped,
    Failed,

    /// <summary>Teardown: the run removed it.</summary>
    Removed,

    /// <summary>Teardown: there was nothing to remove.</summary>
    AlreadyAbsent,

    /// <summary>Plan: the run would create it.</summary>
    WouldCreate,

    /// <summary>Plan: the run would change it.</summary>
    WouldChange,

    /// <summary>Plan: the run would prove it.</summary>
    WouldProve,

    /// <summary>Plan: the run would remove it (Teardown).</summary>
    WouldRemove,
}

/// <summary>One item of a task and its outcome: <c>release istio-system/istiod: changed (deployment/istiod .spec.replicas 0 -> 1)</c>.</summary>
/// <param name="Kind">release, object or proof.</param>
/// <param name="Name">how a person names it: <c>istio-system/istiod</c>, <c>gateway.networking.istio.io/mesh-gateway in istio-ingress</c>.</param>
/// <param name="Outcome"></param>
/// <param name="Detail">why it changed, what was proven, why it was skipped; empty when there is nothing to add.</param>
public sealed record Item(string Kind, string Name, Outcome Outcome, string Detail = "")
{
    public bool IsChange => Outcome is Outcome.Created or Outcome.Changed or Outcome.Removed;

    public bool IsPlannedChange => Outcome is Outcome.WouldCreate or Outcome.WouldChange or Outcome.WouldRemove;
}
