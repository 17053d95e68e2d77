using Cake.Core;
using Cake.Core.Diagnostics;

namespace Mesh.Build.Hosting;

/// <summary>Lists each task the engine reaches, and why one would be skipped; runs nothing.</summary>
internal sealed class DryRunStrategy(ICakeLog log) : IExecutionStrategy
{
    private int _count;

    public Task ExecuteAsync(CakeTask task, ICakeContext context)
    {
        log.Information("{0}. {1}", ++_count, task.Name);
        return Task.CompletedTask;
    }

    public void Skip(CakeTask task, CakeTaskCriteria criteria) =>
        log.Information("{0}. {1} (would be skipped: {2})", ++_count, task.Name, criteria.Message is { Length: > 0 } message ? message : "its criteria are not met");

    public void PerformSetup(Action<ISetupContext> action, ISetupContext context)
    {
    }

    public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext teardownContext)
    {
    }

    public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext taskSetupContext)
    {
    }

    public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext taskTeardownContext)
    {
    }

    public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => Task.CompletedTask;

    public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => Task.CompletedTask;

    public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => Task.CompletedTask;
}
