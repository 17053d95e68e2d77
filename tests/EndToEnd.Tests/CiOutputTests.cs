using System.Text.RegularExpressions;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// A run with a failing task as GitHub Actions shows it (log groups, an error annotation, the step summary) and
/// as every CI system reads it (artifacts/junit.xml): DeployMailHog alone on a cluster without the gateway.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class CiOutputTests : IAsyncLifetime
{
    private const string Missing = "The ingress gateway Service istio-ingress/istio-ingressgateway does not exist; run the InstallIstio target first.";
    private SimulatedMesh _mesh = null!;
    private PipelineRun _run = null!;
    private string _stepSummary = null!;

    public async Task InitializeAsync()
    {
        _mesh = await SimulatedMesh.StartAsync();
        _stepSummary = Path.Combine(_mesh.WorkingDirectory, "step-summary.md");
        File.WriteAllText(_stepSummary, "earlier step\n");
        _run = _mesh.RunWith(
            new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = _stepSummary },
            "--target=DeployMailHog",
            "--exclusive");
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public void The_task_runs_in_a_log_group_and_its_error_is_an_annotation_naming_the_resource()
    {
        Assert.Equal(1, _run.ExitCode);
        var lines = _run.Output.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd()).ToList();
        var group = lines.IndexOf("::group::DeployMailHog");
        Assert.True(group >= 0, _run.ToString());
        Assert.Equal("::endgroup::", lines.Skip(group + 1).First(line => line.StartsWith("::", StringComparison.Ordinal)));
        Assert.Contains($"::error title=DeployMailHog::{Missing}", lines);
        Assert.Contains($"Failed: DeployMailHog: {Missing}", lines);
        Assert.Contains(lines, line => line.StartsWith("Running DeployMailHog for Istio ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_step_summary_is_appended_with_the_failure_and_the_task_table()
    {
        var summary = Durations().Replace(File.ReadAllText(_stepSummary), "N s");

        Assert.Equal(
            $"""
            earlier step
            ## Mesh run: failed

            **DeployMailHog failed:** {Missing}

            | task | status | duration | created | changed | unchanged |
            |---|---|---:|---:|---:|---:|
            | DeployMailHog | failed | N s | 0 | 0 | 0 |

            """,
            summary);
    }

    [Fact]
    public void Junit_has_a_failing_test_case_with_the_message_next_to_the_report()
    {
        var artifacts = Path.Combine(_mesh.WorkingDirectory, "artifacts");
        Assert.True(File.Exists(Path.Combine(artifacts, "report.json")));
        var junit = Times().Replace(File.ReadAllText(Path.Combine(artifacts, "junit.xml")), "time=\"T\"");

        Assert.Equal(
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites name="mesh" tests="1" failures="1" errors="0" skipped="0" time="T">
              <testsuite name="mesh" tests="1" failures="1" errors="0" skipped="0" time="T">
                <testcase classname="mesh.DeployMailHog" name="DeployMailHog" time="T">
                  <failure message="{Missing}">{Missing}</failure>
                </testcase>
              </testsuite>
            </testsuites>

            """,
            junit.ReplaceLineEndings("\n"));
    }

    [GeneratedRegex(@"\d+\.\d{3} s")]
    private static partial Regex Durations();

    [GeneratedRegex("time=\"[0-9.]+\"")]
    private static partial Regex Times();
}
