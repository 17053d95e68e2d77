using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>An asynchronous task over a typed context; most of ours talk to a cluster, so most are these.</summary>
public abstract class AsyncFrostingTask<TContext> : IFrostingTask
    where TContext : ICakeContext
{
    public virtual string SkippedMessage => string.Empty;

    public virtual Task RunAsync(TContext context) => Task.CompletedTask;

    /// <summary>Criteria: return false to skip the task; Cake reports <see cref="SkippedMessage"/>.</summary>
    public virtual bool ShouldRun(TContext context) => true;

    /// <summary>Called when <see cref="RunAsync(TContext)"/> throws. Like Cake, a handler that does not rethrow lets the run go on.</summary>
    public virtual void OnError(Exception exception, TContext context)
    {
    }

    public virtual void Finally(TContext context)
    {
    }

    Task IFrostingTask.RunAsync(ICakeContext context) => RunAsync((TContext)context);

    bool IFrostingTask.ShouldRun(ICakeContext context) => ShouldRun((TContext)context);

    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (TContext)context);

    void IFrostingTask.Finally(ICakeContext context) => Finally((TContext)context);
}
