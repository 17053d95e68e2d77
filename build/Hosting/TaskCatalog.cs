using System.Reflection;

namespace Mesh.Build.Hosting;

/// <summary>One task class as the host sees it: its name, description and the tasks it depends on.</summary>
public sealed record TaskEntry(string Name, string Description, Type Type, IReadOnlyList<string> Dependencies);

/// <summary>
/// Finds the task classes in the given assemblies and reads their attributes, the way Frosting does:
/// the chain is declared on the classes, not in a list somewhere else.
/// </summary>
public sealed class TaskCatalog
{
    private TaskCatalog(IReadOnlyList<TaskEntry> tasks) => Tasks = tasks;

    public IReadOnlyList<TaskEntry> Tasks { get; }

    public static TaskCatalog Discover(IEnumerable<Assembly> assemblies)
    {
        var types = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IFrostingTask).IsAssignableFrom(type))
            .ToList();

        var tasks = types
            .Select(type => new TaskEntry(
                NameOf(type),
                type.GetCustomAttribute<TaskDescriptionAttribute>()?.Description ?? string.Empty,
                type,
                type.GetCustomAttributes<IsDependentOnAttribute>().Select(dependency => NameOfDependency(type, dependency.Task, types)).ToList()))
            .ToList();

        var duplicate = tasks.GroupBy(task => task.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Two task classes are named '{duplicate.Key}': {string.Join(", ", duplicate.Select(task => task.Type.FullName))}. Give one of them another [TaskName].");
        }

        return new TaskCatalog(InDependencyOrder(tasks));
    }

    public static string NameOf(Type taskType) => taskType.GetCustomAttribute<TaskNameAttribute>()?.Name ?? taskType.Name;

    /// <summary>The registered name matching <paramref name="name"/>, ignoring case as Cake does, or null.</summary>
    public string? Resolve(string name) =>
        Tasks.FirstOrDefault(task => task.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>
    /// Dependencies before dependents, and a chain kept together (after a task, the task that depends on it
    /// comes next), so listings read like the chain; otherwise name order.
    /// </summary>
    private static List<TaskEntry> InDependencyOrder(List<TaskEntry> tasks)
    {
        var ordered = new List<TaskEntry>();
        var remaining = tasks.OrderBy(task => task.Name, StringComparer.Ordinal).ToList();
        while (remaining.Count > 0)
        {
            var ready = remaining.Where(task => task.Dependencies.All(dependency => ordered.Any(done => done.Name == dependency))).ToList();
            var next = ready.FirstOrDefault(task => ordered.Count > 0 && task.Dependencies.Contains(ordered[^1].Name))
                ?? ready.OrderBy(task => task.Dependencies.Count == 0 && !tasks.Any(other => other.Dependencies.Contains(task.Name))).FirstOrDefault()
                ?? throw new InvalidOperationException($"The tasks {string.Join(", ", remaining.Select(task => task.Name))} depend on each other in a cycle.");
            ordered.Add(next);
            remaining.Remove(next);
        }

        return ordered;
    }

    private static string NameOfDependency(Type task, Type dependency, List<Type> tasks)
    {
        if (!tasks.Contains(dependency))
        {
            throw new InvalidOperationException(
                $"Task '{NameOf(task)}' depends on '{dependency.FullName}', which is not a task class (a non-abstract IFrostingTask in a scanned assembly).");
        }

        return NameOf(dependency);
    }
}
