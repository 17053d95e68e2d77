using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tests.Tools;

/// <summary>A call the fake runner saw: the executable and the arguments as the process gets them and as logs see them.</summary>
public sealed record FakeCall(FilePath Path, string Arguments, string SafeArguments, ProcessSettings Settings);

/// <summary>What a fake process answers.</summary>
public sealed record FakeResponse(int ExitCode = 0, string StandardOutput = "", string StandardError = "");

/// <summary>
/// Records every start and answers with a canned response. Like Cake's real runner it passes redirected
/// lines through the settings' handlers and keeps what they return.
/// </summary>
public sealed class FakeProcessRunner : IProcessRunner
{
    private readonly List<(Func<string, bool> Matches, FakeResponse Response)> _responses = [];

    public List<FakeCall> Calls { get; } = [];

    public FakeCall Last => Calls[^1];

    /// <summary>Answers calls whose arguments start with <paramref name="argumentsPrefix"/>; later registrations win.</summary>
    public FakeProcessRunner Answer(string argumentsPrefix, FakeResponse response)
    {
        _responses.Insert(0, (args => args.StartsWith(argumentsPrefix, StringComparison.Ordinal), response));
        return this;
    }

    public IProcess Start(FilePath filePath, ProcessSettings settings)
    {
        var arguments = settings.Arguments ?? new ProcessArgumentBuilder();
        var rendered = arguments.Render();
        Calls.Add(new FakeCall(filePath, rendered, arguments.RenderSafe(), settings));
        var response = _responses.FirstOrDefault(r => r.Matches(rendered)).Response ?? new FakeResponse();
        return new FakeProcess(response, settings);
    }
}

public sealed class FakeProcess : IProcess
{
    private readonly int _exitCode;
    private readonly List<string> _standardOutput;
    private readonly List<string> _standardError;

    public FakeProcess(FakeResponse response, ProcessSettings settings)
    {
        _exitCode = response.ExitCode;
        _standardOutput = settings.RedirectStandardOutput ? Pass(response.StandardOutput, settings.RedirectedStandardOutputHandler) : [];
        _standardError = settings.RedirectStandardError ? Pass(response.StandardError, settings.RedirectedStandardErrorHandler) : [];
    }

    public void Dispose()
    {
    }

    public void WaitForExit()
    {
    }

    public bool WaitForExit(int milliseconds) => true;

    public int GetExitCode() => _exitCode;

    public IEnumerable<string> GetStandardError() => _standardError;

    public IEnumerable<string> GetStandardOutput() => _standardOutput;

    public void Kill()
    {
    }

    private static List<string> Pass(string text, Func<string, string>? handler) =>
        text.Length == 0
            ? []
            : text.Split('\n').Select(line => handler is null ? line : handler(line)).ToList();
}

/// <summary>Collects every log line, formatted, at every verbosity.</summary>
public sealed class FakeLog : ICakeLog
{
    public List<(Verbosity Verbosity, LogLevel Level, string Message)> Entries { get; } = [];

    public IEnumerable<string> Lines => Entries.Select(entry => entry.Message);

    public Verbosity Verbosity { get; set; } = Verbosity.Diagnostic;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        lock (Entries)
        {
            Entries.Add((verbosity, level, args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args)));
        }
    }
}

/// <summary>
/// Resolves every tool to an empty file of that name in a fresh temporary directory: Cake's
/// <c>Tool&lt;T&gt;</c> checks the resolved file exists, the fake process runner never runs it.
/// </summary>
public sealed class FakeToolLocator : IToolLocator
{
    public FakeToolLocator()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mesh-fake-tools", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public List<FilePath> Registered { get; } = [];

    public void RegisterFile(FilePath path) => Registered.Add(path);

    public FilePath Resolve(string tool)
    {
        var path = System.IO.Path.Combine(Directory, tool);
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, []);
        }

        return new FilePath(path);
    }

    public FilePath Resolve(IEnumerable<string> toolExeNames) => Resolve(toolExeNames.First());
}

/// <summary>An <see cref="ICakeContext"/> of real file system and environment, with the process runner and log given.</summary>
public sealed class TestCakeContext : ICakeContext
{
    public TestCakeContext(IProcessRunner? processRunner = null, ICakeLog? log = null, IToolLocator? tools = null)
    {
        Environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        FileSystem = new FileSystem();
        Globber = new Globber(FileSystem, Environment);
        Log = log ?? new FakeLog();
        Configuration = new CakeConfiguration(new Dictionary<string, string>());
        Tools = tools ?? new ToolLocator(Environment, new ToolRepository(Environment), new ToolResolutionStrategy(FileSystem, Environment, Globber, Configuration, Log));
        ProcessRunner = processRunner ?? new ProcessRunner(FileSystem, Environment, Log, Tools, Configuration);
    }

    public IFileSystem FileSystem { get; }

    public ICakeEnvironment Environment { get; }

    public IGlobber Globber { get; }

    public ICakeLog Log { get; }

    public ICakeArguments Arguments { get; } = new CakeArguments(Array.Empty<string>().ToLookup(x => x));

    public IProcessRunner ProcessRunner { get; }

    public IRegistry Registry { get; } = new WindowsRegistry();

    public IToolLocator Tools { get; }

    public ICakeDataResolver Data { get; } = new CakeDataService();

    public ICakeConfiguration Configuration { get; }
}
