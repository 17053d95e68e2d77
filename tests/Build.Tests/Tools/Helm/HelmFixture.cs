using Mesh.Build.Tools.Helm;

namespace Mesh.Build.Tests.Tools.Helm;

/// <summary>A helm runner against the fake process runner, so tests assert the exact command line.</summary>
internal sealed class HelmFixture
{
    public HelmFixture(int? majorVersion = 4)
    {
        MajorVersion = majorVersion;
        Context = new TestCakeContext(Processes, Log, new FakeToolLocator());
        Runner = new HelmRunner(Context.FileSystem, Context.Environment, Context.ProcessRunner, Context.Tools, Context.Log);
    }

    public int? MajorVersion { get; }

    public FakeProcessRunner Processes { get; } = new();

    public FakeLog Log { get; } = new();

    public TestCakeContext Context { get; }

    public HelmRunner Runner { get; }

    public string Arguments => Processes.Last.Arguments;

    public T Settings<T>(T settings)
        where T : HelmSettings
    {
        settings.MajorVersion = MajorVersion;
        return settings;
    }
}
