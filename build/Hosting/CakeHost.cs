using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Scripting;
using Cake.Core.Tooling;
using Spectre.Console;

namespace Mesh.Build.Hosting;

/// <summary>
/// A Frosting-style host on Cake's own engine: it finds the task classes, registers them into
/// <see cref="CakeEngine"/>, and runs the target with Cake's build, dry-run, tree or description host.
/// Exit codes: 0 success, 1 a task failed, 2 bad arguments or settings (nothing ran); more through UseExitCode and the lifetime.
/// </summary>
public sealed class CakeHost<TContext>(Func<ICakeContext, TContext> createContext)
    where TContext : class, ICakeContext
{
    private readonly List<Assembly> _assemblies = [];
    private string? _defaultTarget;
    private FrostingLifetime<TContext>? _lifetime;
    private Func<string>? _helpFooter;
    private readonly List<(string Name, string Help, Func<TContext, string> Print)> _informationalOptions = [];
    private readonly List<(Type Exception, int Code)> _exitCodes = [];
    private TextWriter? _output;
    private TextWriter? _error;
    private string? _workingDirectory;

    /// <summary>Where task classes are looked for; the entry assembly when none is added.</summary>
    public CakeHost<TContext> AddAssembly(Assembly assembly)
    {
        if (!_assemblies.Contains(assembly))
        {
            _assemblies.Add(assembly);
        }

        return this;
    }

    /// <summary>The target run when <c>--target</c> is not given.</summary>
    public CakeHost<TContext> UseDefaultTarget<TTask>()
        where TTask : IFrostingTask
    {
        _defaultTarget = TaskCatalog.NameOf(typeof(TTask));
        return this;
    }

    public CakeHost<TContext> UseLifetime(FrostingLifetime<TContext> lifetime)
    {
        _lifetime = lifetime;
        return this;
    }

    /// <summary>
    /// An option such as <c>--print-settings</c> that, once the context is built, prints something about it
    /// and exits instead of running tasks.
    /// </summary>
    public CakeHost<TContext> UseInformationalOption(string name, string help, Func<TContext, string> print)
    {
        _informationalOptions.Add((name, help, print));
        return this;
    }

    /// <summary>A failure of this kind (anywhere in the run, setup included) exits with <paramref name="code"/> instead of 1.</summary>
    public CakeHost<TContext> UseExitCode<TException>(int code)
        where TException : Exception
    {
        _exitCodes.Add((typeof(TException), code));
        return this;
    }

    /// <summary>Text appended to <c>--help</c>, for the build's own settings.</summary>
    public CakeHost<TContext> UseHelpFooter(Func<string> footer)
    {
        _helpFooter = footer;
        return this;
    }

    /// <summary>Write to these instead of the terminal (no colours); tests use it to read the output.</summary>
    public CakeHost<TContext> UseConsole(TextWriter output, TextWriter error)
    {
        _output = output;
        _error = error;
        return this;
    }

    public CakeHost<TContext> UseWorkingDirectory(string path)
    {
        _workingDirectory = path;
        return this;
    }

    public int Run(IEnumerable<string> args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<int> RunAsync(IEnumerable<string> args)
    {
        var arguments = HostArguments.Parse(args.ToList());
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        if (_workingDirectory is not null)
        {
            environment.WorkingDirectory = new DirectoryPath(System.IO.Path.GetFullPath(_workingDirectory));
        }

        var colours = _output is null && Colours.Allowed();
        IConsole console = _output is not null ? new TextWriterConsole(_output, _error!)
            : colours ? new StatusLineConsole(new CakeConsole(environment))
            : new TextWriterConsole(Console.Out, Console.Error);
        var ansiConsole = CreateAnsiConsole(colours);
        var log = new CakeBuildLog(console, arguments.Verbosity);
        var assemblies = _assemblies.Count > 0 ? _assemblies : [Assembly.GetEntryAssembly()!];
        var catalog = TaskCatalog.Discover(assemblies);

        if (arguments.ShowVersion)
        {
            console.WriteLine(VersionLine(assemblies[0]));
            return ExitCodes.Success;
        }

        if (arguments.ShowHelp)
        {
            console.WriteLine(HelpText(catalog));
            return ExitCodes.Success;
        }

        var problems = new List<string>(arguments.Problems);
        var targets = ResolveTargets(arguments, catalog, problems);
        var cakeContext = CreateCakeContext(environment, log, arguments);
        TContext? context = null;
        try
        {
            context = createContext(cakeContext);
            if (context is FrostingContext frosting)
            {
                frosting.StatusLine = console as StatusLineConsole;
            }
        }
        catch (InvalidInputException exception)
        {
            problems.AddRange(exception.Problems);
        }

        if (problems.Count > 0)
        {
            console.WriteErrorLine(problems.Count == 1 ? "Invalid input:" : $"Invalid input ({problems.Count} problems):");
            foreach (var problem in problems)
            {
                console.WriteErrorLine($"  - {problem}");
            }

            console.WriteErrorLine("Nothing was changed. Run with --help for the targets, options and settings.");
            return ExitCodes.InvalidInput;
        }

        var informational = _informationalOptions.FirstOrDefault(option =>
            arguments.Remaining.Any(argument => argument.Key.Equals(option.Name, StringComparison.OrdinalIgnoreCase)));
        if (informational.Print is not null)
        {
            console.WriteLine(informational.Print(context!));
            return ExitCodes.Success;
        }

        if (arguments.ShowTree && arguments.Targets.Count > 0)
        {
            // Cake's tree host prints every root's tree; a named target wants its own.
            targets.ForEach(target => console.WriteLine(Tree(catalog, target)));
            return ExitCodes.Success;
        }

        var engine = new CakeEngine(new CakeDataService(), log);
        var tasks = Register(engine, catalog, context!);
        var scriptHost = CreateScriptHost(arguments, engine, context!, console, ansiConsole, log);
        if (arguments.Exclusive)
        {
            _lifetime?.Exclusive = true;
            scriptHost.Settings.UseExclusiveTarget();
        }

        CakeReport? report = null;
        Exception? failure = null;
        var exitCode = ExitCodes.Success;
        try
        {
            report = await scriptHost.RunTargetsAsync(targets);
        }
        catch (Exception exception)
        {
            report = (exception as CakeReportException)?.Report;
            failure = Cause(exception);
            if (SkippedTarget(targets, tasks, context!, failure) is { } skipped)
            {
                // Cake calls a target its criteria skip unreachable; skipping it was the right thing to do.
                log.Information("{0} was skipped: {1}", skipped.Name, skipped.Why);
                failure = null;
            }
            else
            {
                LogFailure(log, failure, arguments.Verbosity);
                exitCode = _exitCodes.FirstOrDefault(entry => entry.Exception.IsInstanceOfType(failure)).Code is var code and not 0 ? code : ExitCodes.TaskFailed;
            }
        }

        return arguments.DryRun || arguments.ShowTree || arguments.ShowDescription || _lifetime is null
            ? exitCode
            : _lifetime.Completed(context!, report, failure, exitCode);
    }

    private IAnsiConsole CreateAnsiConsole(bool colours)
    {
        var console = colours
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(_output ?? Console.Out),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });

        // Logs and captured output have no terminal width; Spectre would assume 80 and wrap task names
        // in the report, which makes CI logs hard to read and grep.
        if (_output is not null || Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 120);
        }

        return console;
    }

    /// <summary>The one target, when the run stopped only because its own criteria skipped it.</summary>
    private static (string Name, string Why)? SkippedTarget(List<string> targets, Dictionary<string, IFrostingTask> tasks, TContext context, Exception failure)
    {
        if (targets.Count != 1 || failure is not CakeException || !failure.Message.StartsWith("Could not reach target", StringComparison.Ordinal)
            || !tasks.TryGetValue(targets[0], out var task) || task.ShouldRun(context))
        {
            return null;
        }

        return (targets[0], task.SkippedMessage.Length > 0 ? task.SkippedMessage : "its criteria were not met");
    }

    /// <summary>The dependency tree of one task, drawn as Cake's --tree draws it.</summary>
    private static string Tree(TaskCatalog catalog, string root)
    {
        var lines = new List<string> { string.Empty, root };
        void Children(string name, string indent)
        {
            var dependencies = catalog.Tasks.First(task => task.Name == name).Dependencies.Select(dependency => catalog.Resolve(dependency) ?? dependency).ToList();
            for (var i = 0; i < dependencies.Count; i++)
            {
                var last = i == dependencies.Count - 1;
                lines.Add($"{indent}{(last ? "└─" : "├─")}{dependencies[i]}");
                Children(dependencies[i], indent + (last ? "   " : "│  "));
            }
        }

        Children(root, string.Empty);
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>The task name closest to a mistyped one (case aside), when it is close enough to be meant.</summary>
    private static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates
            .Select(candidate => (candidate, distance: Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .Where(entry => entry.distance <= Math.Max(2, entry.candidate.Length / 4) || entry.candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(entry => entry.distance)
            .Select(entry => entry.candidate)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    private List<string> ResolveTargets(HostArguments arguments, TaskCatalog catalog, List<string> problems)
    {
        var requested = arguments.Targets.Count > 0 ? arguments.Targets : [_defaultTarget ?? "Default"];
        var resolved = new List<string>();
        foreach (var name in requested)
        {
            var target = catalog.Resolve(name);
            if (target is null)
            {
                var meant = Closest(name, catalog.Tasks.Select(task => task.Name));
                problems.Add($"--target: there is no task named '{name}'{(meant is null ? "." : $"; did you mean {meant}?")} Valid targets: {string.Join(", ", catalog.Tasks.Select(task => task.Name))}.");
            }
            else
            {
                resolved.Add(target);
            }
        }

        return resolved;
    }

    private static CakeContext CreateCakeContext(CakeEnvironment environment, ICakeLog log, HostArguments arguments)
    {
        var fileSystem = new FileSystem();
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var toolLocator = new ToolLocator(
            environment,
            new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var cakeArguments = new CakeArguments(arguments.Remaining.ToLookup(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase));
        return new CakeContext(
            fileSystem,
            environment,
            globber,
            log,
            cakeArguments,
            new ProcessRunner(fileSystem, environment, log, toolLocator, configuration),
            new WindowsRegistry(),
            toolLocator,
            new CakeDataService(),
            configuration,
            new ToolInstaller(environment, toolLocator, configuration, log, []),
            NoServices.Instance);
    }

    private Dictionary<string, IFrostingTask> Register(CakeEngine engine, TaskCatalog catalog, TContext context)
    {
        var tasks = new Dictionary<string, IFrostingTask>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in catalog.Tasks)
        {
            var task = (IFrostingTask)Activator.CreateInstance(entry.Type)!;
            tasks[entry.Name] = task;
            var builder = engine.RegisterTask(entry.Name).Does(_ => task.RunAsync(context));
            if (entry.Description.Length > 0)
            {
                builder.Description(entry.Description);
            }

            if (Overrides(entry.Type, nameof(IFrostingTask.ShouldRun)))
            {
                builder.WithCriteria(_ => task.ShouldRun(context), task.SkippedMessage);
            }

            if (Overrides(entry.Type, nameof(IFrostingTask.OnError)))
            {
                builder.OnError((exception, _) => task.OnError(exception, context));
            }

            if (Overrides(entry.Type, nameof(IFrostingTask.Finally)))
            {
                builder.Finally(() => task.Finally(context));
            }

            foreach (var dependency in entry.Dependencies)
            {
                builder.IsDependentOn(dependency);
            }
        }

        if (_lifetime is { } lifetime)
        {
            engine.RegisterSetupAction(info => lifetime.Setup(context, info));
            engine.RegisterTaskSetupAction(info => lifetime.TaskSetup(context, info));
            engine.RegisterTaskTeardownAction(info => lifetime.TaskTeardown(context, info));
            engine.RegisterTeardownAction(info => lifetime.Teardown(context, info));
        }

        return tasks;
    }

    /// <summary>Whether a task class overrides one of the base class's virtual members.</summary>
    private static bool Overrides(Type taskType, string method) =>
        taskType.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(candidate => candidate.Name == method)
            .Any(candidate => candidate.DeclaringType != candidate.GetBaseDefinition().DeclaringType);

    private static ScriptHost CreateScriptHost(HostArguments arguments, CakeEngine engine, TContext context, IConsole console, IAnsiConsole ansiConsole, ICakeLog log)
    {
        if (arguments.DryRun)
        {
            return new DryRunHost(engine, context, log);
        }

        if (arguments.ShowTree)
        {
            return new TreeScriptHost(engine, context, console);
        }

        if (arguments.ShowDescription)
        {
            return new DescriptionScriptHost(engine, context, ansiConsole);
        }

        var printer = new LifetimeNamingReportPrinter(new CakeSpectreReportPrinter(ansiConsole));
        return new BuildScriptHost(engine, new DefaultExecutionStrategy(log, printer), context, printer, context.Configuration, log);
    }

    /// <summary>What went wrong, without the wrappers Cake and tasks put around it.</summary>
    private static Exception Cause(Exception exception)
    {
        var cause = exception is CakeReportException { InnerException: { } inner } ? inner : exception;
        while (cause is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            cause = aggregate.InnerExceptions[0];
        }

        return cause;
    }

    private static void LogFailure(ICakeLog log, Exception cause, Verbosity verbosity) =>
        log.Error(verbosity >= Verbosity.Diagnostic ? cause.ToString() : $"Error: {cause.Message}");

    private static string VersionLine(Assembly build)
    {
        var ours = build.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var cake = typeof(CakeEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return $"mesh build {ours.Split('+')[0]} (Cake engine {cake.Split('+')[0]})";
    }

    private string HelpText(TaskCatalog catalog)
    {
        var width = catalog.Tasks.Max(task => task.Name.Length) + 2;
        var lines = new List<string>
        {
            "Usage: ./build.sh [--target=NAME] [options] [--setting=value ...]",
            string.Empty,
            "Options:",
            "  --target=NAME, -t NAME     the task to run with its dependencies (default: " + (_defaultTarget ?? "Default") + "); case-insensitive",
            "  --verbosity=LEVEL, -v      quiet, minimal, normal (default), verbose or diagnostic",
            "  --dryrun                   print the tasks that would run, in order, and change nothing",
            "  --exclusive, -e            run the target alone, without its dependencies",
            "  --tree                     print the dependency tree of the target",
            "  --description              print every task with its description",
            "  --version                  print the version",
            "  --help, -h                 print this help",
        };
        lines.AddRange(_informationalOptions.Select(option => $"  --{option.Name.PadRight(25)}{option.Help}"));
        lines.AddRange(new[]
        {
            string.Empty,
            "Targets:",
        });
        lines.AddRange(catalog.Tasks.Select(task => $"  {task.Name.PadRight(width)}{task.Description}"));
        if (_helpFooter is not null)
        {
            lines.Add(string.Empty);
            lines.Add(_helpFooter());
        }

        lines.Add(string.Empty);
        lines.Add("Exit codes: 0 success, 1 a task failed, 2 bad arguments or settings (nothing was changed), 3 the cluster cannot be reached or used, 4 a plan with --detailed-exitcode found changes.");
        return string.Join(Environment.NewLine, lines);
    }

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
