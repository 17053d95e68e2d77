using Mesh.Build.Reporting;
using Mesh.Build.Settings;

namespace Mesh.Build.Tests.Reporting;

public sealed class ProofRunnerTests
{
    [Theory]
    [InlineData(Proofs.Always, false, ProofCost.Writes, "proven")]
    [InlineData(Proofs.Always, false, ProofCost.ReadOnly, "proven")]
    [InlineData(Proofs.OnChange, false, ProofCost.Writes, "skipped")]
    [InlineData(Proofs.OnChange, true, ProofCost.Writes, "proven")]
    [InlineData(Proofs.OnChange, false, ProofCost.ReadOnly, "proven")]
    [InlineData(Proofs.Off, true, ProofCost.ReadOnly, "skipped")]
    [InlineData(Proofs.Off, true, ProofCost.Writes, "skipped")]
    public async Task The_setting_and_what_changed_decide_whether_a_proof_runs(Proofs setting, bool changed, ProofCost cost, string outcome)
    {
        var record = new RunRecord();
        if (changed)
        {
            record.Add(new Item("object", "namespace/mailhog", Outcome.Created));
        }

        var ran = false;
        await new ProofRunner(setting, plan: false, record, _ => { }).RunAsync("a proof", cost, () =>
        {
            ran = true;
            return Task.FromResult("shown");
        });

        Assert.Equal(outcome, RunRecord.Name(record.ItemsOf("(setup)").Last().Outcome));
        Assert.Equal(outcome == "proven", ran);
    }

    [Fact]
    public async Task A_plan_runs_no_proof_and_says_which_would_run()
    {
        var record = new RunRecord();
        var lines = new List<string>();

        await new ProofRunner(Proofs.OnChange, plan: true, record, lines.Add).RunAsync("mTLS", ProofCost.Writes, () => throw new InvalidOperationException("must not run"));

        var item = Assert.Single(record.ItemsOf("(setup)"));
        Assert.Equal((Outcome.WouldProve, "when the run changes something"), (item.Outcome, item.Detail));
        Assert.Equal(["proof mTLS: would-prove (when the run changes something)"], lines);
    }

    [Fact]
    public async Task A_failed_proof_is_recorded_and_its_error_goes_on()
    {
        var record = new RunRecord();
        record.BeginTask("EnforceMtls");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ProofRunner(Proofs.Always, plan: false, record, _ => { }).RunAsync("mTLS", ProofCost.Writes, () => throw new InvalidOperationException("plaintext got through")));

        Assert.Equal("plaintext got through", error.Message);
        Assert.Equal(new Item("proof", "mTLS", Outcome.Failed, "plaintext got through"), Assert.Single(record.ItemsOf("EnforceMtls")));
    }
}
