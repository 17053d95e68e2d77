using System.Text.Json;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Tests.Tools.Helm;

public sealed class HelmParsingTests
{
    // helm list -o json: revision is a string, updated is Go's time layout.
    private const string ListJson = """
        [{"name":"istio-base","namespace":"istio-system","revision":"1","updated":"2026-11-27 06:12:03.482913101 +0000 UTC","status":"deployed","chart":"base-1.31.1","app_version":"1.31.1"},
         {"name":"istiod","namespace":"istio-system","revision":"3","updated":"2026-11-27 06:14:47.120004373 +0000 UTC","status":"failed","chart":"istiod-1.31.1","app_version":"1.31.1"}]
        """;

    // helm status -o json, the fields we read plus chart/config that we ignore.
    private const string StatusJson = """
        {"name":"istiod","info":{"first_deployed":"2026-11-27T06:12:03.482913101Z","last_deployed":"2026-11-27T06:14:47.120004373Z","deleted":"","description":"Upgrade complete","status":"deployed","notes":"\"istiod\" successfully installed!"},
         "chart":{"metadata":{"name":"istiod","version":"1.31.1","appVersion":"1.31.1","apiVersion":"v2"}},
         "config":{"pilot":{"env":{"PILOT_ENABLE_STATUS":"true"}}},
         "manifest":"---\n# Source: istiod/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n",
         "version":3,"namespace":"istio-system"}
        """;

    private const string HistoryJson = """
        [{"revision":1,"updated":"2026-11-27T06:12:03.482913101Z","status":"superseded","chart":"istiod-1.31.0","app_version":"1.31.0","description":"Install complete"},
         {"revision":2,"updated":"2026-11-27T06:14:47.120004373Z","status":"deployed","chart":"istiod-1.31.1","app_version":"1.31.1","description":"Upgrade complete"}]
        """;

    [Theory]
    [InlineData("v4.1.4", 4, 1, 4)]
    [InlineData("v4.1.4\n", 4, 1, 4)]
    [InlineData("v3.18.0+gcc58e3f", 3, 18, 0)]
    [InlineData("v4.1.4+g05fa379", 4, 1, 4)]
    [InlineData("version.BuildInfo{Version:\"v3.18.0\", GitCommit:\"cc58e3f5a3aa615c6a86275e6f4444b5fdd3cc4e\", GitTreeState:\"clean\", GoVersion:\"go1.24.3\"}", 3, 18, 0)]
    public void Parses_real_helm_version_outputs(string output, int major, int minor, int patch)
    {
        Assert.Equal(new ToolVersion(major, minor, patch), HelmVersionDetector.Parse(output));
    }

    [Fact]
    public void Rejects_output_without_a_version()
    {
        Assert.Throws<FormatException>(() => HelmVersionDetector.Parse("Error: unknown flag: --template"));
    }

    [Fact]
    public void List_output_parses_into_releases()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("list", new FakeResponse(StandardOutput: ListJson));

        var releases = helm.Runner.List(helm.Settings(new HelmListSettings()));

        Assert.Equal(2, releases.Count);
        Assert.Equal(new HelmRelease("istio-base", "istio-system", "1", "2026-11-27 06:12:03.482913101 +0000 UTC", "deployed", "base-1.31.1", "1.31.1"), releases[0]);
        Assert.True(releases[0].IsDeployed);
        Assert.False(releases[1].IsDeployed);
    }

    [Fact]
    public void Status_output_parses_into_a_release_status()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("status", new FakeResponse(StandardOutput: StatusJson));

        var status = helm.Runner.Status("istiod", helm.Settings(new HelmStatusSettings()));

        Assert.NotNull(status);
        Assert.Equal("istiod", status.Name);
        Assert.Equal("istio-system", status.Namespace);
        Assert.Equal(3, status.Version);
        Assert.True(status.IsDeployed);
        Assert.Equal("Upgrade complete", status.Info.Description);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 12, 3, TimeSpan.Zero), status.Info.FirstDeployed!.Value.AddTicks(-(status.Info.FirstDeployed.Value.Ticks % TimeSpan.TicksPerSecond)));
        Assert.StartsWith("---", status.Manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void History_output_parses_into_entries()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("history", new FakeResponse(StandardOutput: HistoryJson));

        var history = helm.Runner.History("istiod", helm.Settings(new HelmHistorySettings()));

        Assert.Equal([1, 2], history.Select(entry => entry.Revision));
        Assert.Equal(HelmReleaseStates.Superseded, history[0].Status);
    }

    [Fact]
    public void Get_values_returns_the_values_object()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("get values", new FakeResponse(StandardOutput: """{"pilot":{"replicaCount":2}}"""));

        var values = helm.Runner.GetValues("istiod", helm.Settings(new HelmGetValuesSettings()));

        Assert.Equal(2, values["pilot"]!["replicaCount"]!.GetValue<int>());
    }

    [Fact]
    public void Malformed_json_is_an_error_not_an_empty_result()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("list", new FakeResponse(StandardOutput: "NAME NAMESPACE"));

        Assert.ThrowsAny<JsonException>(() => helm.Runner.List(helm.Settings(new HelmListSettings())));
    }
}
