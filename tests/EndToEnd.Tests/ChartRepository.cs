using System.Net;
using System.Net.Sockets;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// A helm chart repository over plain HTTP on 127.0.0.1: fixture charts packaged with the real
/// <c>helm package</c> and indexed with <c>helm repo index</c>, served as files. It lets tests go through
/// the pipeline's repository path (repo add, update, show chart) without the internet. While it lives, helm's
/// repository list and cache point into its directory, so the developer's own helm configuration is untouched.
/// </summary>
public sealed class ChartRepository : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-charts-").FullName;
    private readonly string? _credentials;

    private static readonly string[] HelmLocations = ["HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE"];

    public ChartRepository(params string[] charts)
        : this(null, charts)
    {
    }

    /// <summary>A repository that answers only requests with HTTP basic authentication of <paramref name="credentials"/> (user, password).</summary>
    public ChartRepository((string User, string Password)? credentials, params string[] charts)
    {
        _credentials = credentials is { } pair ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{pair.User}:{pair.Password}")) : null;
        Environment.SetEnvironmentVariable("HELM_REPOSITORY_CONFIG", Path.Combine(_directory, "helm", "repositories.yaml"));
        Environment.SetEnvironmentVariable("HELM_REPOSITORY_CACHE", Path.Combine(_directory, "helm", "cache"));
        foreach (var chart in charts)
        {
            SimulatedMesh.RunTool("helm", "package", Path.Combine(SimulatedMesh.RepositoryRoot, "tests", "charts", chart), "--destination", _directory);
        }

        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/";
        SimulatedMesh.RunTool("helm", "repo", "index", _directory, "--url", Url);
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url { get; }

    /// <summary>The packaged chart, <c>NAME-VERSION.tgz</c>, as helm package wrote it.</summary>
    public string Archive(string chart) => Directory.GetFiles(_directory, $"{chart}-*.tgz").Single();

    /// <summary>Requests refused for want of the right credentials.</summary>
    public int Refused { get; private set; }

    /// <summary>Every path asked for, so a test can tell the repository was used.</summary>
    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        HelmLocations.ToList().ForEach(variable => Environment.SetEnvironmentVariable(variable, null));
        _listener.Close();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var name = Path.GetFileName(context.Request.Url!.AbsolutePath);
            lock (Requests)
            {
                Requests.Add(context.Request.Url.AbsolutePath);
            }

            var file = Path.Combine(_directory, name);
            if (_credentials is not null && context.Request.Headers["Authorization"] != $"Basic {_credentials}")
            {
                context.Response.StatusCode = 401;
                Refused++;
            }
            else if (name.Length > 0 && File.Exists(file))
            {
                await using var stream = File.OpenRead(file);
                await stream.CopyToAsync(context.Response.OutputStream);
            }
            else
            {
                context.Response.StatusCode = 404;
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
