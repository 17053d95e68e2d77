using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Mesh.Build.Reporting;

/// <summary>How one task of the run ended, with the items it recorded.</summary>
/// <param name="Name"></param>
/// <param name="Status">succeeded, skipped, failed, or not run (a task before it failed).</param>
/// <param name="Duration"></param>
/// <param name="Skipped">why it was skipped or not run; null when it ran.</param>
/// <param name="Items"></param>
public sealed record TaskResult(string Name, string Status, TimeSpan Duration, string? Skipped, IReadOnlyList<Item> Items);

/// <summary>Something a person opens after the run, and how: <c>MailHog</c>, <c>https://mailhog.10.0.0.1.sslip.io</c>.</summary>
public sealed record Access(string What, string How);

/// <summary>
/// What a run did, said once and written four ways: the closing lines after Cake's task table, GitHub Actions'
/// error annotation and step summary (Markdown), and a JUnit file with one test case per task and per proof.
/// </summary>
public sealed record RunSummary(bool Plan, IReadOnlyList<TaskResult> Tasks, string? FailedTask, string? Failure, IReadOnlyList<Access> Access)
{
    public bool Succeeded => Failure is null;

    private IEnumerable<Item> Items => Tasks.SelectMany(task => task.Items);

    private IEnumerable<(TaskResult Task, Item Proof)> Proofs => Tasks.SelectMany(task => task.Items.Where(item => item.Kind == "proof").Select(item => (task, item)));

    /// <summary><c>6 tasks succeeded, 1 skipped; 14 created, 2 changed, 30 unchanged; 7 proofs proven</c>.</summary>
    public string Counts()
    {
        var tasks = Tasks.GroupBy(task => task.Status).Select(group => $"{group.Count()} {group.Key}");
        var (created, changed) = Plan ? (Outcome.WouldCreate, Outcome.WouldChange) : (Outcome.Created, Outcome.Changed);
        var items = $"{Count(created)} {(Plan ? "to create" : "created")}, {Count(changed)} {(Plan ? "to change" : "changed")}, {Count(Outcome.Unchanged)} unchanged";
        // Only Teardown and a canary's end remove: the other runs' summaries stay as they were.
        var removed = Plan ? Count(Outcome.WouldRemove) : Count(Outcome.Removed);
        var absent = Count(Outcome.AlreadyAbsent);
        if (removed + absent > 0)
        {
            items += $", {removed} {(Plan ? "to remove" : "removed")}{(absent > 0 ? $", {absent} already absent" : string.Empty)}";
        }

        var proofs = Proofs.GroupBy(entry => entry.Proof.Outcome).Select(group => $"{group.Count()} {RunRecord.Name(group.Key)}").ToList();
        return $"{Tasks.Count} task{(Tasks.Count == 1 ? string.Empty : "s")} ({string.Join(", ", tasks)}); {items}" +
            (proofs.Count == 0 ? string.Empty : $"; proofs: {string.Join(", ", proofs)}");
    }

    /// <summary>The lines printed after Cake's task table.</summary>
    public IReadOnlyList<string> ConsoleLines()
    {
        var lines = new List<string> { $"Summary: {Counts()}." };
        if (Failure is not null)
        {
            lines.Add($"Failed: {FailedTask ?? "setup"}: {FirstLine(Failure)}");
        }

        var proven = Proofs.Where(entry => entry.Proof.Outcome == Outcome.Proven).ToList();
        if (proven.Count > 0)
        {
            lines.Add("Proven:");
            lines.AddRange(proven.Select(entry => $"  {entry.Task.Name}: {entry.Proof.Name}{(entry.Proof.Detail.Length == 0 ? string.Empty : $": {entry.Proof.Detail}")}"));
        }

        var skipped = Tasks.Where(task => task.Skipped is not null).Select(task => $"  {task.Name}: {Why(task)}")
            .Concat(Proofs.Where(entry => entry.Proof.Outcome == Outcome.Skipped).Select(entry => $"  {entry.Task.Name}, proof {entry.Proof.Name}: {entry.Proof.Detail}"))
            .ToList();
        if (skipped.Count > 0)
        {
            lines.Add("Skipped:");
            lines.AddRange(skipped);
        }

        if (Access.Count > 0)
        {
            var width = Access.Max(access => access.What.Length) + 2;
            lines.Add("Open it:");
            lines.AddRange(Access.Select(access => $"  {access.What.PadRight(width)}{access.How}"));
        }

        return lines;
    }

    /// <summary>GitHub Actions' workflow commands for the failure: <c>::error title=TASK::message</c>.</summary>
    public IReadOnlyList<string> Annotations() =>
        Failure is null ? [] : [$"::error title={EscapeProperty(FailedTask ?? "setup")}::{EscapeData(Failure)}"];

    /// <summary>The step summary: tasks with durations and counts, the proofs, and how to open what was installed.</summary>
    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Mesh {(Plan ? "plan" : "run")}: {(Succeeded ? "succeeded" : "failed")}");
        text.AppendLine();
        if (Failure is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**{FailedTask ?? "setup"} failed:** {Cell(Failure)}");
            text.AppendLine();
        }

        var (created, changed) = Plan ? ("to create", "to change") : ("created", "changed");
        text.AppendLine(CultureInfo.InvariantCulture, $"| task | status | duration | {created} | {changed} | unchanged |");
        text.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var task in Tasks)
        {
            var status = task.Skipped is null ? task.Status : $"{task.Status}: {task.Skipped}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {task.Name} | {Cell(status)} | {Seconds(task.Duration)} s | {task.Items.Count(item => item.Outcome is Outcome.Created or Outcome.WouldCreate)} | {task.Items.Count(item => item.Outcome is Outcome.Changed or Outcome.WouldChange)} | {task.Items.Count(item => item.Outcome == Outcome.Unchanged)} |");
        }

        var proofs = Proofs.ToList();
        if (proofs.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("### Proofs");
            text.AppendLine();
            text.AppendLine("| task | proof | outcome | shown |");
            text.AppendLine("|---|---|---|---|");
            foreach (var (task, proof) in proofs)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {task.Name} | {Cell(proof.Name)} | {RunRecord.Name(proof.Outcome)} | {Cell(proof.Detail)} |");
            }
        }

        if (Access.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("### Open it");
            text.AppendLine();
            text.AppendLine("| what | how |");
            text.AppendLine("|---|---|");
            foreach (var access in Access)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {access.What} | `{access.How.Replace("`", "'", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)}` |");
            }
        }

        return text.ToString();
    }

    /// <summary>JUnit XML, as CI systems read it: one test case per task and per proof; failures carry their message.</summary>
    public string JUnit()
    {
        var cases = new List<XElement>();
        foreach (var task in Tasks)
        {
            cases.Add(Case(task.Name, task.Name, task.Duration, task.Status switch
            {
                "failed" => Failed(task.Items.FirstOrDefault(item => item.Outcome == Outcome.Failed && item.Kind != "proof")?.Detail ?? (task.Name == FailedTask ? Failure : null) ?? "failed"),
                _ when task.Skipped is not null => new XElement("skipped", new XAttribute("message", Why(task))),
                _ => null,
            }));
            foreach (var proof in task.Items.Where(item => item.Kind == "proof"))
            {
                cases.Add(Case(task.Name, $"proof: {proof.Name}", TimeSpan.Zero, proof.Outcome switch
                {
                    Outcome.Failed => Failed(proof.Detail),
                    Outcome.Skipped => new XElement("skipped", new XAttribute("message", proof.Detail)),
                    _ => null,
                }));
            }
        }

        var failures = cases.Count(element => element.Element("failure") is not null);
        var skipped = cases.Count(element => element.Element("skipped") is not null);
        var time = Seconds(TimeSpan.FromTicks(Tasks.Sum(task => task.Duration.Ticks)));
        XElement Totals(string name, params object[] content) => new(
            name,
            new XAttribute("name", "mesh"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", skipped),
            new XAttribute("time", time),
            content);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), Totals("testsuites", Totals("testsuite", cases)));
        return document.Declaration + Environment.NewLine + document.ToString() + Environment.NewLine;
    }

    private static XElement Case(string task, string name, TimeSpan duration, XElement? outcome) =>
        new("testcase", new XAttribute("classname", $"mesh.{task}"), new XAttribute("name", name), new XAttribute("time", Seconds(duration)), outcome);

    private static XElement Failed(string message) => new("failure", new XAttribute("message", FirstLine(message)), message);

    /// <summary>Why a task did not run: its skip message, or <c>not run: TASK failed first</c>.</summary>
    private static string Why(TaskResult task) => task.Status == "skipped" ? task.Skipped ?? string.Empty : $"{task.Status}: {task.Skipped}";

    private int Count(Outcome outcome) => Items.Count(item => item.Outcome == outcome);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];

    private static string Cell(string text) => text.ReplaceLineEndings("<br>").Replace("|", "\\|", StringComparison.Ordinal);

    // https://docs.github.com/actions/reference/workflow-commands-for-github-actions: data escapes %, CR, LF; properties also : and ,.
    private static string EscapeData(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string EscapeProperty(string text) =>
        EscapeData(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
