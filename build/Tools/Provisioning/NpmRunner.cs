using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Mesh.Build.Tools.Provisioning;

/// <summary>Just enough npm to restore the pinned package: <c>npm ci</c> in a directory, with npm's path given.</summary>
internal sealed class NpmRunner : CliTool<ToolSettings>
{
    public NpmRunner(ICakeContext context)
        : base(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log)
    {
    }

    /// <summary>
    /// <c>npm ci</c> exactly as locked. <c>--legacy-peer-deps</c> because the layer package declares
    /// aws-cdk-lib and constructs as peers, which we neither need nor locked; scripts are not run.
    /// </summary>
    public ToolOutput CleanInstall(FilePath npm, DirectoryPath directory)
    {
        var args = new ProcessArgumentBuilder();
        args.Append("ci --ignore-scripts --no-audit --no-fund --legacy-peer-deps");
        return Execute(new ToolSettings { ToolPath = npm, WorkingDirectory = directory }, args, captureOutput: true);
    }

    protected override string MissingToolHint => "Install Node.js 20 or later, which brings npm.";

    protected override string GetToolName() => "npm";

    protected override IEnumerable<string> GetToolExecutableNames() => ["npm", "npm.cmd"];
}
