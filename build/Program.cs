using Mesh.Build;
using Mesh.Build.Hosting;
using Mesh.Build.Settings;
using Mesh.Build.Tasks;

var repositoryRoot = BuildContext.FindRepositoryRoot(AppContext.BaseDirectory);

return new CakeHost<BuildContext>(cake => BuildContext.Create(cake, repositoryRoot))
    .UseDefaultTarget<VerifyDashboards>()
    .UseLifetime(new BuildLifetime())
    .UseInformationalOption("print-settings", "print the effective settings, where each came from, and exit", context => context.Settings.Describe())
    .UseHelpFooter(SettingsHelp.Text)
    .Run(args);
