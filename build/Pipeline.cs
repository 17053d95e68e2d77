using Mesh.Build.Hosting;
using Mesh.Build.Tasks;

namespace Mesh.Build;

/// <summary>The pipeline's host, configured once for Program.cs and for the tests that run it in-process.</summary>
public static class Pipeline
{
    public static CakeHost<BuildContext> Create(string repositoryRoot) =>
        new CakeHost<BuildContext>(cake => BuildContext.Create(cake, repositoryRoot))
            .AddAssembly(typeof(Pipeline).Assembly)
            .UseDefaultTarget<VerifyDashboards>()
            .UseLifetime(new BuildLifetime())
            .UseExitCode<Kubernetes.ClusterUnreachableException>(ExitCodes.ClusterUnreachable)
            .UseInformationalOption("print-settings", "print the effective settings, where each came from, and exit", context => context.Settings.Describe())
            .UseHelpFooter(Settings.SettingsHelp.Text);
}
