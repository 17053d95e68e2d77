using Mesh.Build.Hosting;
using Mesh.Build.Tasks;

namespace Mesh.Build;

/// <summary>The pipeline's host, configured once for Program.cs and for the tests that run it in-process.</summary>
public static class Pipeline
{
    /// <param name="repositoryRoot"></param>
    /// <param name="variables">where GITHUB_ACTIONS and GITHUB_STEP_SUMMARY are read; the process environment unless a test says otherwise.</param>
    public static CakeHost<BuildContext> Create(string repositoryRoot, Func<string, string?>? variables = null) =>
        new CakeHost<BuildContext>(cake => BuildContext.Create(cake, repositoryRoot))
            .AddAssembly(typeof(Pipeline).Assembly)
            .UseDefaultTarget<VerifyDashboards>()
            .UseLifetime(new BuildLifetime(variables))
            .UseExitCode<Kubernetes.ClusterUnreachableException>(ExitCodes.ClusterUnreachable)
            .UseInformationalOption("print-settings", "print the effective settings, where each came from, and exit", context => context.Settings.Describe(key => key == "kubeconfig" ? context.KubeconfigInUse() : null))
            .UseHelpFooter(Settings.SettingsHelp.Text);
}
