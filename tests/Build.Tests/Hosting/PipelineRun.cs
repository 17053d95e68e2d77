namespace Mesh.Build.Tests.Hosting;

/// <summary>What one in-process run of the pipeline printed and returned.</summary>
public sealed record PipelineRun(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs the real pipeline host in-process with <paramref name="args"/>, in a scratch repository root and
    /// working directory, so that no mesh.yaml or tools of the developer's checkout leak into the test.
    /// </summary>
    public static PipelineRun Start(TempDirectory root, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var workingDirectory = Directory.GetCurrentDirectory();
        try
        {
            var exitCode = Pipeline.Create(root.Path, _ => null)
                .UseConsole(output, error)
                .UseWorkingDirectory(root.Path)
                .Run(args);
            return new PipelineRun(exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            // Cake's environment moves the process into the working directory it is given.
            Directory.SetCurrentDirectory(workingDirectory);
        }
    }

    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
