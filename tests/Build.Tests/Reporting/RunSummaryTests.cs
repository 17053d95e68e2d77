using Mesh.Build.Reporting;

namespace Mesh.Build.Tests.Reporting;

public sealed class RunSummaryTests
{
    private const string Failure = "EnforceMtls: the mTLS proof failed:\n  - the plaintext call got through";

    private static readonly RunSummary FailedProof = new(
        false,
        [
            new TaskResult("ConfigureExternalDns", "skipped", TimeSpan.Zero, "DNS is off (dns-provider=none)", []),
            new TaskResult("EnforceMtls", "failed", TimeSpan.FromSeconds(1.5), null,
            [
                new Item("object", "peerauthentication.security.istio.io/default in istio-system", Outcome.Created),
                new Item("proof", "MailHog's effective mTLS policy is STRICT", Outcome.Proven, "port 8025: STRICT (inherited)"),
                new Item("proof", "plaintext from outside the mesh and mutual TLS from inside", Outcome.Failed, Failure),
            ]),
            new TaskResult("VerifyDashboards", "not run", TimeSpan.Zero, "EnforceMtls failed first", []),
        ],
        "EnforceMtls",
        Failure,
        []);

    [Fact]
    public void A_failed_proof_is_one_annotation_with_its_lines_escaped()
    {
        Assert.Equal(["::error title=EnforceMtls::EnforceMtls: the mTLS proof failed:%0A  - the plaintext call got through"], FailedProof.Annotations());
    }

    [Fact]
    public void Junit_has_a_case_per_task_and_per_proof_and_the_failures_carry_their_message()
    {
        Assert.Equal(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites name="mesh" tests="5" failures="2" errors="0" skipped="2" time="1.500">
              <testsuite name="mesh" tests="5" failures="2" errors="0" skipped="2" time="1.500">
                <testcase classname="mesh.ConfigureExternalDns" name="ConfigureExternalDns" time="0.000">
                  <skipped message="DNS is off (dns-provider=none)" />
                </testcase>
                <testcase classname="mesh.EnforceMtls" name="EnforceMtls" time="1.500">
                  <failure message="EnforceMtls: the mTLS proof failed:">EnforceMtls: the mTLS proof failed:
              - the plaintext call got through</failure>
                </testcase>
                <testcase classname="mesh.EnforceMtls" name="proof: MailHog's effective mTLS policy is STRICT" time="0.000" />
                <testcase classname="mesh.EnforceMtls" name="proof: plaintext from outside the mesh and mutual TLS from inside" time="0.000">
                  <failure message="EnforceMtls: the mTLS proof failed:">EnforceMtls: the mTLS proof failed:
              - the plaintext call got through</failure>
                </testcase>
                <testcase classname="mesh.VerifyDashboards" name="VerifyDashboards" time="0.000">
                  <skipped message="not run: EnforceMtls failed first" />
                </testcase>
              </testsuite>
            </testsuites>

            """,
            FailedProof.JUnit().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(new[] { Outcome.Changed, Outcome.Removed }, "0 created, 1 changed, 0 unchanged, 1 removed")]
    [InlineData(new[] { Outcome.AlreadyAbsent, Outcome.AlreadyAbsent }, "0 created, 0 changed, 0 unchanged, 0 removed, 2 already absent")]
    [InlineData(new[] { Outcome.Unchanged }, "0 created, 0 changed, 1 unchanged")]
    public void Removals_are_counted_only_in_runs_that_remove_and_already_absent_only_when_there_is_one(Outcome[] outcomes, string counted)
    {
        var summary = new RunSummary(false, [new TaskResult("VerifyDashboards", "succeeded", TimeSpan.Zero, null, [.. outcomes.Select((outcome, n) => new Item("release", $"istio-system/r{n}", outcome))])], null, null, []);

        Assert.Equal($"1 task (1 succeeded); {counted}", summary.Counts());
    }

    [Fact]
    public void The_closing_lines_say_what_failed_what_was_proven_and_what_was_skipped()
    {
        Assert.Equal(
            [
                "Summary: 3 tasks (1 skipped, 1 failed, 1 not run); 1 created, 0 changed, 0 unchanged; proofs: 1 proven, 1 failed.",
                "Failed: EnforceMtls: EnforceMtls: the mTLS proof failed:",
                "Proven:",
                "  EnforceMtls: MailHog's effective mTLS policy is STRICT: port 8025: STRICT (inherited)",
                "Skipped:",
                "  ConfigureExternalDns: DNS is off (dns-provider=none)",
                "  VerifyDashboards: not run: EnforceMtls failed first",
            ],
            FailedProof.ConsoleLines());
    }

    [Fact]
    public void The_step_summary_has_the_failure_the_tasks_with_counts_and_the_proofs()
    {
        Assert.Equal(
            """
            ## Mesh run: failed

            **EnforceMtls failed:** EnforceMtls: the mTLS proof failed:<br>  - the plaintext call got through

            | task | status | duration | created | changed | unchanged |
            |---|---|---:|---:|---:|---:|
            | ConfigureExternalDns | skipped: DNS is off (dns-provider=none) | 0.000 s | 0 | 0 | 0 |
            | EnforceMtls | failed | 1.500 s | 1 | 0 | 0 |
            | VerifyDashboards | not run: EnforceMtls failed first | 0.000 s | 0 | 0 | 0 |

            ### Proofs

            | task | proof | outcome | shown |
            |---|---|---|---|
            | EnforceMtls | MailHog's effective mTLS policy is STRICT | proven | port 8025: STRICT (inherited) |
            | EnforceMtls | plaintext from outside the mesh and mutual TLS from inside | failed | EnforceMtls: the mTLS proof failed:<br>  - the plaintext call got through |

            """,
            FailedProof.Markdown().ReplaceLineEndings("\n"));
    }
}
