using Mesh.Build.Istio;

namespace Mesh.Build.Tests.Istio;

/// <summary>Issue 15: revision names, and the steps a canary says it takes from where it stands.</summary>
public sealed class CanaryPlanTests
{
    [Theory]
    [InlineData("1.31.0", "1-31-0")]
    [InlineData("v1.30.3", "1-30-3")]
    [InlineData("1.31.0-rc.0", "1-31-0-rc-0")]
    [InlineData("1.31.0-alpha.1+build.7", "1-31-0-alpha-1-build-7")]
    [InlineData("1.32.0-RC..1", "1-32-0-rc-1")]
    public void A_revision_is_the_version_as_a_DNS_label(string version, string revision) =>
        Assert.Equal(revision, MeshLayout.RevisionOf(version));

    [Fact]
    public void A_revision_never_exceeds_a_DNS_label()
    {
        var revision = MeshLayout.RevisionOf("1.31.0-" + new string('a', 80));

        Assert.Equal(63, revision.Length);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", revision);
    }

    [Fact]
    public void A_fresh_install_or_a_converged_one_is_no_canary()
    {
        var fresh = new ControlPlanes("1-31-0", "prod", [], null);
        var converged = new ControlPlanes("1-31-0", "prod", ["1-31-0"], "1-31-0");

        Assert.False(fresh.InCanary);
        Assert.True(fresh.WantedHoldsTag);
        Assert.Empty(fresh.Steps());
        Assert.False(converged.InCanary);
        Assert.Empty(converged.Steps());
    }

    [Fact]
    public void A_new_version_beside_the_running_one_takes_every_step_in_order()
    {
        var state = new ControlPlanes("1-31-0-rc-0", "prod", ["1-30-3"], "1-30-3");

        Assert.True(state.InCanary);
        Assert.False(state.SideBySide);
        Assert.False(state.WantedHoldsTag);
        Assert.Equal("1-30-3", state.Replaced);
        var steps = state.Steps();
        Assert.Equal(6, steps.Count);
        Assert.StartsWith("upgrade base (the CRDs)", steps[0], StringComparison.Ordinal);
        Assert.StartsWith("install istiod-1-31-0-rc-0 beside istiod-1-30-3", steps[1], StringComparison.Ordinal);
        Assert.StartsWith("point revision tag prod at 1-31-0-rc-0 (from 1-30-3): istiod-1-30-3's release gives up its webhook istio-revision-tag-prod", steps[2], StringComparison.Ordinal);
        Assert.StartsWith("restart MailHog", steps[3], StringComparison.Ordinal);
        Assert.Contains("if a proof fails, roll back: tag prod back to 1-30-3", steps[4], StringComparison.Ordinal);
        Assert.StartsWith("promote: remove istiod-1-30-3 and its webhooks", steps[5], StringComparison.Ordinal);
    }

    [Fact]
    public void A_canary_left_half_way_resumes_where_it_stopped()
    {
        // Both installed and the tag already moved (a run that stopped at --target=EnforceMtls): no install, no move.
        var state = new ControlPlanes("1-31-0", "prod", ["1-30-3", "1-31-0"], "1-31-0");

        Assert.True(state.InCanary);
        Assert.True(state.SideBySide);
        Assert.True(state.WantedHoldsTag);
        Assert.Equal("1-30-3", state.Replaced);
        var steps = state.Steps();
        Assert.DoesNotContain(steps, step => step.StartsWith("install", StringComparison.Ordinal) || step.StartsWith("point", StringComparison.Ordinal));
        Assert.StartsWith("promote: remove istiod-1-30-3", steps[^1], StringComparison.Ordinal);
    }
}
