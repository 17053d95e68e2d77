using System.Text.Json.Nodes;

namespace Mesh.Build.Reporting;

/// <summary>
/// Every item each task of this run dealt with, in order, and its outcome. Written to as items happen (from
/// several threads when a task works side by side), read for the plan, the report and the proofs' on-change rule.
/// </summary>
public sealed class RunRecord
{
    private readonly List<(string Task, Item Item)> _items = [];
    private readonly Lock _gate = new();
    private string _task = "(setup)";

    /// <summary>The task whose items are being recorded; set as each task starts.</summary>
    public void BeginTask(string task)
    {
        lock (_gate)
        {
            _task = task;
        }
    }

    /// <summary>The task recorded last: the one that was running when a run failed.</summary>
    public string CurrentTask
    {
        get
        {
            lock (_gate)
            {
                return _task;
            }
        }
    }

    public void Add(Item item)
    {
        lock (_gate)
        {
            _items.Add((_task, item));
        }
    }

    public IReadOnlyList<Item> ItemsOf(string task)
    {
        lock (_gate)
        {
            return [.. _items.Where(entry => entry.Task == task).Select(entry => entry.Item)];
        }
    }

    /// <summary>Whether this run has created or changed anything so far.</summary>
    public bool AnyChange
    {
        get
        {
            lock (_gate)
            {
                return _items.Any(entry => entry.Item.IsChange);
            }
        }
    }

    /// <summary>Whether the plan found anything to create or change.</summary>
    public bool AnyPlannedChange
    {
        get
        {
            lock (_gate)
            {
                return _items.Any(entry => entry.Item.IsPlannedChange);
            }
        }
    }

    /// <summary>How many items ended each way, by outcome name (<c>created</c>, <c>would-change</c>, ...).</summary>
    public IReadOnlyDictionary<string, int> Totals()
    {
        lock (_gate)
        {
            return Enum.GetValues<Outcome>().ToDictionary(Name, outcome => _items.Count(entry => entry.Item.Outcome == outcome));
        }
    }

    /// <summary>The outcome as the report and the plan write it: <c>would-create</c>.</summary>
    public static string Name(Outcome outcome) => outcome switch
    {
        Outcome.WouldCreate => "would-create",
        Outcome.WouldChange => "would-change",
        Outcome.WouldProve => "would-prove",
        Outcome.WouldRemove => "would-remove",
        Outcome.AlreadyAbsent => "already-absent",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>The items of a task as the report's JSON lists them.</summary>
    public JsonArray ItemsJson(string task) =>
        [.. ItemsOf(task).Select(item => (JsonNode)new JsonObject
        {
            ["kind"] = item.Kind,
            ["name"] = item.Name,
            ["outcome"] = Name(item.Outcome),
            ["detail"] = item.Detail,
        })];
}
