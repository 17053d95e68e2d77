using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>
/// Runs once before the first task and once after the last, even when a task failed; sees each task start;
/// and, once Cake's report is complete, decides the run's exit code.
/// </summary>
public abstract class FrostingLifetime<TContext>
    where TContext : ICakeContext
{
    /// <summary>Set by the host for <c>--exclusive</c>: only the target runs, although Cake's setup lists its dependencies too.</summary>
    public bool Exclusive { get; set; }

    /// <summary>The tasks this run will execute, in order: Cake's list, or only the target with <see cref="Exclusive"/>.</summary>
    protected IReadOnlyList<string> TasksToRun(ISetupContext info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return [.. info.TasksToExecute.Select(task => task.Name).Where(name => !Exclusive || name == info.TargetTask.Name)];
    }

    public virtual void Setup(TContext context, ISetupContext info)
    {
    }

    public virtual void TaskSetup(TContext context, ITaskSetupContext info)
    {
    }

    public virtual void TaskTeardown(TContext context, ITaskTeardownContext info)
    {
    }

    public virtual void Teardown(TContext context, ITeardownContext info)
    {
    }

    /// <summary>
    /// After the run, with Cake's report (null when the run failed before any task) and the failure, if any:
    /// what the run leaves behind (a report file) and its exit code, <paramref name="exitCode"/> unless it says otherwise.
    /// </summary>
    public virtual int Completed(TContext context, CakeReport? report, Exception? failure, int exitCode) => exitCode;
}
