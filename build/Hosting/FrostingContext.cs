using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>The base of a typed build context: Cake's context plus whatever the tasks need.</summary>
public abstract class FrostingContext(ICakeContext context) : CakeContextAdapter(context)
{
    /// <summary>The terminal's live line, set by the host when output is a terminal that takes escape codes; null in logs and CI.</summary>
    public StatusLineConsole? StatusLine { get; internal set; }
}
