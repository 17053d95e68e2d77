using Cake.Core;
using Cake.Core.Diagnostics;
using Mesh.Build.Hosting;

namespace Mesh.Build.Tests.Hosting;

/// <summary>Cake's own Setup and Teardown steps are named apart from our Teardown task in the log and the task table.</summary>
public sealed class LifetimeNamingReportPrinterTests
{
    private readonly Recording _inner = new();

    [Fact]
    public void The_table_names_Cakes_steps_apart_from_the_Teardown_task()
    {
        var report = new CakeReport();
        report.Add("Setup", CakeReportEntryCategory.Setup, TimeSpan.FromSeconds(1));
        report.Add("Teardown", TimeSpan.FromSeconds(2));
        report.AddSkipped("ConfigureExternalDns", "DNS is off");
        report.Add("Teardown", CakeReportEntryCategory.Teardown, TimeSpan.FromSeconds(3));

        new LifetimeNamingReportPrinter(_inner).Write(report);

        Assert.Equal(
            [("Run setup", TimeSpan.FromSeconds(1)), ("Teardown", TimeSpan.FromSeconds(2)), ("ConfigureExternalDns", TimeSpan.Zero), ("Run teardown", TimeSpan.FromSeconds(3))],
            _inner.Report!.Select(entry => (entry.TaskName, entry.Duration)));
        Assert.Equal("DNS is off", _inner.Report!.Single(entry => entry.TaskName == "ConfigureExternalDns").SkippedMessage);
    }

    [Theory]
    [InlineData("Setup", "Run setup")]
    [InlineData("TearDown", "Run teardown")]
    [InlineData("Teardown", "Run teardown")]
    public void The_log_headers_of_Cakes_steps_are_named_so_too(string cakes, string shown)
    {
        new LifetimeNamingReportPrinter(_inner).WriteLifeCycleStep(cakes, Verbosity.Normal);

        Assert.Equal(shown, Assert.Single(_inner.Steps));
    }

    private sealed class Recording : ICakeReportPrinter
    {
        public CakeReport? Report { get; private set; }

        public List<string> Steps { get; } = [];

        public void Write(CakeReport report) => Report = report;

        public void WriteLifeCycleStep(string name, Verbosity verbosity) => Steps.Add(name);

        public void WriteStep(string name, Verbosity verbosity) => Steps.Add(name);

        public void WriteSkippedStep(string name, Verbosity verbosity) => Steps.Add(name);
    }
}
