using Cake.Core;

namespace Mesh.Build.Hosting;

/// <summary>The base of a typed build context: Cake's context plus whatever the tasks need.</summary>
public abstract class FrostingContext(ICakeContext context) : CakeContextAdapter(context)
{
}
