using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>A synchronous task over a typed context. Override only what the task needs.</summary>
public abstract class FrostingTask<TContext> : IFrostingTask
    where TContext : ICakeContext
{
    public virtual string SkippedMessage => string.Empty;

    public virtual void Run(TContext context)
    {
    }

    /// <summary>Criteria: return false to skip the task; Cake reports <see cref="SkippedMessage"/>.</summary>
    public virtual bool ShouldRun(TContext context) => true;

    /// <summary>Called when <see cref="Run"/> throws. Like Cake, a handler that does not rethrow lets the run go on.</summary>
    public virtual void OnError(Exception exception, TContext context)
    {
    }

    public virtual void Finally(TContext context)
    {
    }

    Task IFrostingTask.RunAsync(ICakeContext context)
    {
        Run((TContext)context);
        return Task.CompletedTask;
    }

    bool IFrostingTask.ShouldRun(ICakeContext context) => ShouldRun((TContext)context);

    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (TContext)context);

    void IFrostingTask.Finally(ICakeContext context) => Finally((TContext)context);
}
