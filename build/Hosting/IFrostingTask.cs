using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>
/// A task the host registers into Cake's engine. Shaped like Cake.Frosting's interface so that moving
/// to the real package is a namespace change.
/// </summary>
public interface IFrostingTask
{
    /// <summary>The line Cake reports when <see cref="ShouldRun"/> says no.</summary>
    string SkippedMessage => string.Empty;

    Task RunAsync(ICakeContext context);

    bool ShouldRun(ICakeContext context);

    void OnError(Exception exception, ICakeContext context);

    void Finally(ICakeContext context);
}
