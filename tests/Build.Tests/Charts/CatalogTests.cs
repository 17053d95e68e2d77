using System.Reflection;
using Mesh.Build.Catalog;
using Mesh.Build.Charts;
using Mesh.Build.Settings;

namespace Mesh.Build.Tests.Charts;

public sealed class CatalogTests
{
    [Fact]
    public void Every_component_is_installed_by_exactly_one_task_and_every_task_installs_known_components()
    {
        var installs = typeof(BuildContext).Assembly.GetTypes()
            .Select(type => type.GetCustomAttribute<InstallsChartsAttribute>())
            .OfType<InstallsChartsAttribute>()
            .SelectMany(attribute => attribute.Ids)
            .ToList();

        Assert.Equal(Components.All.Select(component => component.Id).Order(), installs.Order());
    }

    [Fact]
    public void Every_component_has_its_chart_settings_and_our_values_file()
    {
        foreach (var component in Components.All)
        {
            Assert.NotNull(SettingsCatalog.Find($"{component.Id}-chart-repo"));
            Assert.NotNull(SettingsCatalog.Find($"{component.Id}-chart-version"));
            Assert.True(File.Exists(Path.Combine(BuildContext.FindRepositoryRoot(AppContext.BaseDirectory), "manifests", component.ValuesFile)), component.ValuesFile);
        }
    }

    [Fact]
    public void Istiods_release_and_deployment_carry_the_revision_and_no_other_does()
    {
        Assert.Equal(("istiod-1-31-1", "istiod-1-31-1"), (Components.Istiod.ReleaseFor("1-31-1"), Components.Istiod.DeploymentFor("1-31-1")));
        Assert.Equal("istio-ingressgateway", Components.Gateway.ReleaseFor("1-31-1"));
        Assert.Equal("istiod", Components.Istiod.ReleaseFor(null));
    }
}
