using Mesh.Build.Hosting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tests.Settings;

/// <summary>Issue 15: upgrade-strategy and revision-tag, and what a canary makes of istio-version.</summary>
public sealed class UpgradeStrategyTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void In_place_is_the_default_and_keeps_istio_revision_as_set()
    {
        var settings = Load(Arg("istio-revision", "blue"));

        Assert.Equal(UpgradeStrategy.InPlace, settings.UpgradeStrategy);
        Assert.Equal("blue", settings.IstioRevision);
        Assert.Null(settings.RevisionTag);
        Assert.Equal("blue", settings.InjectionRevision);
    }

    [Fact]
    public void A_canary_names_its_revision_from_istio_version_and_injects_through_the_tag()
    {
        var settings = Load(Arg("upgrade-strategy", "canary"), Arg("istio-version", "1.31.0-rc.0"));

        Assert.Equal(UpgradeStrategy.Canary, settings.UpgradeStrategy);
        Assert.Equal("1-31-0-rc-0", settings.IstioRevision);
        Assert.Equal("prod", settings.RevisionTag);
        Assert.Equal("prod", settings.InjectionRevision);
    }

    [Fact]
    public void A_canary_refuses_an_istio_revision_of_its_own_and_proofs_off()
    {
        var exception = Assert.Throws<InvalidInputException>(() => Load(Arg("upgrade-strategy", "canary"), Arg("istio-revision", "blue"), Arg("proofs", "off")));

        Assert.Equal(2, exception.Problems.Count);
        Assert.Contains(exception.Problems, problem => problem.StartsWith("istio-revision: upgrade-strategy is canary (from --upgrade-strategy), which names each revision from istio-version; unset istio-revision", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, problem => problem.StartsWith("proofs: upgrade-strategy is canary", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rolling", "upgrade-strategy (from --upgrade-strategy): 'rolling' is not one of in-place, canary.")]
    [InlineData("default", "'default' is the tag of the revision-less webhooks")]
    [InlineData("Prod", "'Prod' is not a revision tag")]
    [InlineData("a-tag-far-too-long-for-the-service-istiod-revision-tag", "is not a revision tag: at most 43")]
    public void Bad_values_are_refused_saying_why(string value, string expected)
    {
        var key = value == "rolling" ? "upgrade-strategy" : "revision-tag";

        var exception = Assert.Throws<InvalidInputException>(() => Load(Arg("upgrade-strategy", key == "revision-tag" ? "canary" : value), new(key, value)));

        Assert.Contains(exception.Problems, problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    private static KeyValuePair<string, string> Arg(string key, string value) => new(key, value);

    private MeshSettings Load(params KeyValuePair<string, string>[] arguments) =>
        SettingsLoader.Load(new SettingsSources(_root.Path, _root.Path, new Dictionary<string, string>(), [.. arguments], HostArguments.OptionAliases.Keys.ToList()));
}
