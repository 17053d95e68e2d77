using Mesh.Build.Settings;

namespace Mesh.Build.Reporting;

/// <summary>Which proofs the <c>proofs=on-change</c> setting keeps: those that write to the cluster run only after a change.</summary>
public enum ProofCost
{
    /// <summary>Reads only: runs whenever proofs are on.</summary>
    ReadOnly,

    /// <summary>Writes (probe Jobs, a dry-run pod): with proofs=on-change, runs only when this run changed something.</summary>
    Writes,
}

/// <summary>
/// Every check a task makes to prove its result goes through here, so the <c>proofs</c> setting and a plan
/// decide alike for all of them, and each proof's outcome is recorded: proven with what it showed, failed, skipped
/// and why, or in a plan, that it would run.
/// </summary>
public sealed class ProofRunner(Proofs setting, bool plan, RunRecord record, Action<string> log)
{
    /// <summary>Runs <paramref name="prove"/>, which returns what it showed or throws naming what it found.</summary>
    public async Task RunAsync(string name, ProofCost cost, Func<Task<string>> prove)
    {
        ArgumentNullException.ThrowIfNull(prove);
        var skipped = setting == Proofs.Off ? "proofs=off"
            : !plan && setting == Proofs.OnChange && cost == ProofCost.Writes && !record.AnyChange ? "nothing changed in this run (proofs=on-change)"
            : null;
        if (plan && skipped is null)
        {
            Record(name, Outcome.WouldProve, cost == ProofCost.Writes && setting == Proofs.OnChange ? "when the run changes something" : "would run");
            return;
        }

        if (skipped is not null)
        {
            Record(name, Outcome.Skipped, skipped);
            return;
        }

        try
        {
            Record(name, Outcome.Proven, await prove());
        }
        catch (Exception e)
        {
            record.Add(new Item("proof", name, Outcome.Failed, e.Message));
            throw;
        }
    }

    private void Record(string name, Outcome outcome, string detail)
    {
        record.Add(new Item("proof", name, outcome, detail));
        log($"proof {name}: {RunRecord.Name(outcome)}{(detail.Length == 0 ? string.Empty : $" ({detail})")}");
    }
}
