using Cake.Core.Diagnostics;
using Mesh.Build.Tests.Tools.Helm;
using Mesh.Build.Tools;
using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Tests.Tools;

public sealed class ToolFailureAndLoggingTests
{
    [Fact]
    public void Every_call_logs_its_safe_command_line_at_verbose()
    {
        var helm = new HelmFixture();

        var settings = helm.Settings(new HelmRepoUpdateSettings { Namespace = "demo" });
        settings.Repositories.Add("istio");

        helm.Runner.RepoUpdate(settings);

        Assert.Contains(helm.Log.Entries, entry => entry.Verbosity == Verbosity.Verbose && entry.Message == "helm repo update istio --namespace demo");
    }

    [Fact]
    public void A_failing_call_names_tool_arguments_exit_code_and_the_last_ten_stderr_lines()
    {
        var helm = new HelmFixture();
        var stderr = string.Join('\n', Enumerable.Range(1, 15).Select(i => $"line {i}"));
        helm.Processes.Answer("upgrade", new FakeResponse(2, StandardError: stderr));
        var settings = helm.Settings(new HelmUpgradeSettings { Namespace = "demo", ServerSide = null });

        var error = Assert.Throws<ToolCommandException>(() => helm.Runner.Upgrade("demo", "/charts/demo", settings));

        Assert.Equal("helm", error.ToolName);
        Assert.Equal(2, error.ExitCode);
        Assert.Equal(Enumerable.Range(6, 10).Select(i => $"line {i}"), error.StandardErrorTail);
        Assert.StartsWith("helm upgrade --install demo \"/charts/demo\" --namespace demo failed with exit code 2.", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 15", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 5\n", error.Message, StringComparison.Ordinal);
        Assert.True(helm.Processes.Last.Settings.RedirectStandardError);
    }

    [Fact]
    public void A_secret_value_reaches_the_process_but_no_log_line_nor_the_error()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("upgrade", new FakeResponse(1, StandardOutput: "", StandardError: "Error: failed parsing --set data: key \"db.password=Pa55word!\" has no value\nvalue Pa55word! rejected"));
        var settings = helm.Settings(new HelmUpgradeSettings());
        settings.SecretValues["db.password"] = "Pa55word!";

        var error = Assert.Throws<ToolCommandException>(() => helm.Runner.Upgrade("demo", "/charts/demo", settings));

        Assert.Contains("--set \"db.password=Pa55word!\"", helm.Processes.Last.Arguments, StringComparison.Ordinal);
        Assert.NotEmpty(helm.Log.Lines);
        Assert.All(helm.Log.Lines, line => Assert.DoesNotContain("Pa55word!", line, StringComparison.Ordinal));
        Assert.DoesNotContain("Pa55word!", error.Message, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_read_through_the_process_is_redacted_while_the_result_keeps_it()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("template", new FakeResponse(StandardOutput: "password: \"Pa55word!\""));
        var seenByPostAction = new List<string>();
        var settings = helm.Settings(new HelmTemplateSettings { PostAction = process => seenByPostAction.AddRange(process.GetStandardOutput()) });
        settings.SecretValues["password"] = "Pa55word!";

        var manifests = helm.Runner.Template("demo", "/charts/demo", settings);

        Assert.Equal("password: \"Pa55word!\"", manifests);
        Assert.Equal(["password: \"[REDACTED]\""], seenByPostAction);
    }

    [Fact]
    public void Handle_exit_code_lets_the_caller_accept_a_failure()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("repo update", new FakeResponse(1));

        helm.Runner.RepoUpdate(helm.Settings(new HelmRepoUpdateSettings { HandleExitCode = code => code == 1 }));
    }

    [Fact]
    public void A_failure_that_wrote_nothing_to_stderr_is_explained_by_stdout()
    {
        var helm = new HelmFixture();
        helm.Processes.Answer("show", new FakeResponse(1, StandardOutput: "Error: chart \"istiod\" version \"9.9.9\" not found"));

        var error = Assert.Throws<ToolCommandException>(() => helm.Runner.ShowChart("istio/istiod", helm.Settings(new HelmShowChartSettings { Version = "9.9.9" })));

        Assert.Equal(1, error.ExitCode);
        Assert.Contains("version \"9.9.9\" not found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1.35.2", 1, 35, 2)]
    [InlineData("v1.32.4-dispatcher", 1, 32, 4)]
    [InlineData("1.31", 1, 31, 0)]
    public void Tool_versions_ignore_suffixes(string text, int major, int minor, int patch)
    {
        Assert.Equal(new ToolVersion(major, minor, patch), ToolVersion.Parse(text));
    }

    [Fact]
    public void Tool_versions_compare_numerically()
    {
        Assert.True(ToolVersion.Parse("v3.18.0") > ToolVersion.Parse("v3.14.0"));
        Assert.True(ToolVersion.Parse("v1.9.0") < ToolVersion.Parse("v1.33.0"));
        Assert.Equal("v4.1.4", ToolVersion.Parse("v4.1.4+g05fa379").ToString());
    }
}
