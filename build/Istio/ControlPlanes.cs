namespace Mesh.Build.Istio;

/// <summary>
/// Where a canary upgrade stands, as read from the cluster: the istiod revisions helm has a release of
/// (null for a revision-less istiod), and the revision the tag's webhook sends injection to (null when no
/// release renders the tag). <paramref name="Wanted"/> is the revision of istio-version.
/// </summary>
public sealed record ControlPlanes(string Wanted, string Tag, IReadOnlyList<string?> Installed, string? Tagged)
{
    /// <summary>The revisions installed other than the wanted one: the control plane a canary replaces.</summary>
    public IReadOnlyList<string?> Old => [.. Installed.Where(revision => revision != Wanted)];

    /// <summary>Another revision runs beside (or instead of) the wanted one: the run is, or starts, a canary.</summary>
    public bool InCanary => Old.Count > 0;

    /// <summary>The wanted revision runs beside another one: what a failed proof rolls back.</summary>
    public bool SideBySide => InCanary && Installed.Contains(Wanted);

    /// <summary>The revision the wanted one replaces; the tag's when it is on an old one.</summary>
    public string? Replaced => Tagged is { } tagged && tagged != Wanted ? tagged : Old.LastOrDefault();

    /// <summary>Whether the wanted revision's release renders the tag's webhook: on a fresh install, and once the tag has moved to it.</summary>
    public bool WantedHoldsTag => !InCanary || Tagged == Wanted;

    /// <summary>The steps a canary takes from here, in order; none when only the wanted revision is installed.</summary>
    public IReadOnlyList<string> Steps()
    {
        if (!InCanary)
        {
            return [];
        }

        var old = Replaced;
        var steps = new List<string> { "upgrade base (the CRDs) to istio-version first (InstallIstioInit)" };
        if (!Installed.Contains(Wanted))
        {
            steps.Add($"install {Release(Wanted)} beside {Release(old)} (InstallIstio)");
        }

        if (Tagged != Wanted)
        {
            steps.Add($"point revision tag {Tag} at {Wanted} (from {Tagged ?? "no revision"}): {Release(old)}'s release gives up its webhook {MeshLayout.RevisionTagWebhook(Tag)}, then {Release(Wanted)}'s renders it (InstallIstio)");
        }

        steps.Add($"restart MailHog so that its pods take {Wanted}'s proxy (DeployMailHog)");
        steps.Add($"prove mTLS and the dashboards on {Wanted} (EnforceMtls, VerifyDashboards); if a proof fails, roll back: tag {Tag} back to {old}, MailHog restarted, {Release(Wanted)} removed, the run fails");
        steps.Add($"promote: remove {string.Join(", ", Old.Select(Release))} and {(Old.Count == 1 ? "its" : "their")} webhooks, base's default revision to {Wanted}, restart the gateway on tag {Tag} (at the end of VerifyDashboards)");
        return steps;
    }

    private static string Release(string? revision) => Catalog.Components.Istiod.ReleaseFor(revision);
}
