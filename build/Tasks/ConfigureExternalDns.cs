using Mesh.Build.Hosting;

namespace Mesh.Build.Tasks;

[TaskName("ConfigureExternalDns")]
[TaskDescription("Installs external-dns for the gateway hosts (skipped when dns-provider is none)")]
public sealed class ConfigureExternalDns : AsyncFrostingTask<BuildContext>
{
    public override string SkippedMessage => "DNS is off (dns-provider=none)";

    public override bool ShouldRun(BuildContext context) => context.Settings.DnsEnabled;

    public override Task RunAsync(BuildContext context) => throw NotImplementedYet.For("ConfigureExternalDns", 6);
}
