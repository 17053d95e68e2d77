using System.Collections.Concurrent;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools;

/// <summary>
/// What our helm, kubectl and istioctl runners share on top of Cake's <see cref="Tool{TSettings}"/>:
/// the command line is logged (secrets redacted) at Verbose, stderr is always collected, stdout when the
/// caller wants a result, and a non-zero exit raises a <see cref="ToolCommandException"/> with the tail of
/// stderr. Cake's process runner logs redirected lines at Diagnostic when they are read through
/// <c>IProcess.GetStandardOutput/GetStandardError</c> (a <c>PostAction</c> may): our handlers give it the
/// redacted line to store and keep the real one for the caller.
/// </summary>
public abstract class CliTool<TSettings> : Tool<TSettings>
    where TSettings : ToolSettings
{
    protected CliTool(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools)
    {
        Log = log;
        CakeEnvironment = environment;
    }

    protected ICakeLog Log { get; }

    protected ICakeEnvironment CakeEnvironment { get; }

    /// <summary>What to do when the tool cannot be found; part of the error.</summary>
    protected abstract string MissingToolHint { get; }

    /// <summary>A path as the tool should see it: absolute, against Cake's working directory.</summary>
    protected string Absolute(Cake.Core.IO.Path path) => path switch
    {
        FilePath file => file.MakeAbsolute(CakeEnvironment).FullPath,
        DirectoryPath directory => directory.MakeAbsolute(CakeEnvironment).FullPath,
        _ => path.FullPath,
    };

    /// <summary>The start of a command line: the subcommand's words, e.g. <c>repo add NAME</c>.</summary>
    protected static ProcessArgumentBuilder Command(params string[] words)
    {
        var args = new ProcessArgumentBuilder();
        foreach (var word in words)
        {
            args.Append(word);
        }

        return args;
    }

    /// <summary>The flags that choose a cluster, common to helm and istioctl; only the context flag's name differs.</summary>
    protected void AppendClusterFlags(ProcessArgumentBuilder args, FilePath? kubeconfig, string contextFlag, string? context, string? ns)
    {
        if (kubeconfig is not null)
        {
            args.AppendSwitchQuoted("--kubeconfig", Absolute(kubeconfig));
        }

        if (context is not null)
        {
            args.AppendSwitchQuoted(contextFlag, context);
        }

        if (ns is not null)
        {
            args.AppendSwitch("--namespace", ns);
        }
    }

    /// <summary>
    /// Runs the tool and returns its output; throws <see cref="ToolCommandException"/> on a non-zero exit.
    /// <paramref name="standardInput"/> is written to the tool's standard input: the way to hand it a secret, which
    /// a command line would show to every process on the machine.
    /// </summary>
    protected ToolOutput Execute(TSettings settings, ProcessArgumentBuilder arguments, bool captureOutput = false, string? standardInput = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var redactor = SecretRedactor.From(arguments);
        var standardOutput = new ConcurrentQueue<string>();
        var standardError = new ConcurrentQueue<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = captureOutput,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => Keep(standardOutput, line, redactor),
            RedirectedStandardErrorHandler = line => Keep(standardError, line, redactor),
        };
        if (standardInput is not null)
        {
            processSettings.SetStandardInput(standardInput);
        }

        var safeArguments = arguments.RenderSafe();
        Log.Verbose("{0} {1}", GetToolName(), safeArguments);

        if (GetToolPath(settings) is null)
        {
            throw new CakeException($"{GetToolName()} was not found in tools/bin or on PATH. {MissingToolHint}");
        }

        var process = RunProcess(settings, arguments, processSettings);
        if (settings.ToolTimeout is { } timeout && !process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill();
            throw new TimeoutException($"{GetToolName()} {safeArguments} did not finish within {timeout}.");
        }

        // Without a timeout this also waits until the redirected streams are drained.
        process.WaitForExit();
        var exitCode = process.GetExitCode();
        settings.PostAction?.Invoke(process);

        var errorLines = standardError.Select(redactor.Redact).ToList();
        if (exitCode != 0 && settings.HandleExitCode?.Invoke(exitCode) != true)
        {
            // Some tools report their errors on stdout; use it when stderr is empty.
            var reason = errorLines.Any(line => !string.IsNullOrWhiteSpace(line))
                ? errorLines
                : standardOutput.Select(redactor.Redact).ToList();
            throw new ToolCommandException(GetToolName(), safeArguments, exitCode, reason);
        }

        return new ToolOutput(exitCode, standardOutput.ToList(), errorLines);
    }

    private static string Keep(ConcurrentQueue<string> lines, string line, SecretRedactor redactor)
    {
        if (line is null)
        {
            return line!;
        }

        lines.Enqueue(line);
        return redactor.Redact(line);
    }
}
