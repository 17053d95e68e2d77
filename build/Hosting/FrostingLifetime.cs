using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>
/// Runs once before the first task and once after the last, even when a task failed; sees each task start;
/// and, once Cake's report is complete, decides the run's exit code.
/// </summary>
public abstract class FrostingLifetime<TContext>
    where TContext : ICakeContext
{
    public virtual void Setup(TContext context, ISetupContext info)
    {
    }

    public virtual void TaskSetup(TContext context, ITaskSetupContext info)
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
