using System.Reflection;

namespace Mesh.Build.Tests;

/// <summary>The layers hold: settings -> context -> tasks -> cluster door / helm. Nothing below Tasks/ takes the context.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Nothing_below_the_tasks_takes_or_holds_the_build_context()
    {
        var above = new[] { "Mesh.Build.Tasks" };
        var topLevel = new[] { typeof(BuildContext), typeof(BuildLifetime), typeof(Pipeline) };
        var offenders = typeof(BuildContext).Assembly.GetTypes()
            .Where(type => !above.Contains(type.Namespace) && !topLevel.Contains(type) && !topLevel.Contains(type.DeclaringType))
            .SelectMany(type => Uses(type).Select(member => $"{type.FullName}.{member}"))
            .ToList();

        Assert.True(offenders.Count == 0, "takes BuildContext below Tasks/: " + string.Join(", ", offenders));
    }

    private static IEnumerable<string> Uses(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method.GetParameters().Any(parameter => parameter.ParameterType == typeof(BuildContext)))
            {
                yield return method.Name;
            }
        }

        foreach (var field in type.GetFields(all).Where(field => field.FieldType == typeof(BuildContext)))
        {
            yield return field.Name;
        }
    }
}
