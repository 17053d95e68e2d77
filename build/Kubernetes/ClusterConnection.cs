using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using k8s;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// Opens the door once per run: finds the kubeconfig as kubectl does (the setting, else each file of
/// <c>$KUBECONFIG</c>, merged as kubectl merges them, else <c>~/.kube/config</c>), picks the context, and asks the server one question before
/// anything else happens. Every way that can go wrong becomes one <see cref="ClusterUnreachableException"/>
/// naming the kubeconfig, context and server, and what to do.
/// </summary>
public static class ClusterConnection
{
    private const string Rehearse = "To try the pipeline without a cluster, rehearse it on the simulator: tests/rehearse.sh.";

    public static Cluster Open(string? kubeconfig, string? context, string? kubeconfigVariable, string home)
    {
        var files = KubeconfigFiles(kubeconfig, kubeconfigVariable, home);
        var existing = files.Where(File.Exists).ToList();
        var shown = string.Join(Path.PathSeparator, existing.Count > 0 ? existing : files);
        if (existing.Count == 0)
        {
            throw new ClusterUnreachableException(
                $"No kubeconfig: {(kubeconfig is not null ? $"--kubeconfig={kubeconfig} does not exist" : kubeconfigVariable is { Length: > 0 } ? $"$KUBECONFIG={kubeconfigVariable} names no existing file" : $"{shown} does not exist and $KUBECONFIG is not set")}. " +
                $"Point the kubeconfig setting (or $KUBECONFIG) at your cluster's kubeconfig, e.g. `kind get kubeconfig > ~/.kube/config`. {Rehearse}");
        }

        var (config, definedIn) = Merge(existing.Select(Read).ToList());
        var contexts = (config.Contexts ?? []).Select(candidate => candidate.Name).ToList();
        var chosen = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(chosen))
        {
            throw new ClusterUnreachableException(
                $"The kubeconfig {shown} has no current context and the context setting is empty. " +
                $"Choose one: --context=NAME ({(contexts.Count == 0 ? "the file defines none" : $"defined: {string.Join(", ", contexts)}")}), or `kubectl config use-context NAME`.");
        }

        if (!contexts.Contains(chosen))
        {
            throw new ClusterUnreachableException(
                $"The context '{chosen}'{(context is null ? " (the kubeconfig's current context)" : " (context setting)")} is not in the kubeconfig {shown}; " +
                $"{(contexts.Count == 0 ? "the file defines no context" : $"it defines: {string.Join(", ", contexts)}")}. Set --context to one of them.");
        }

        var clusterName = config.Contexts!.First(candidate => candidate.Name == chosen).ContextDetails?.Cluster;
        var server = config.Clusters?.FirstOrDefault(candidate => candidate.Name == clusterName)?.ClusterEndpoint?.Server ?? "(none)";
        var target = new ClusterTarget(definedIn[chosen], chosen, server);
        try
        {
            return new Cluster(new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigObject(config, chosen)), target);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FormatException or UriFormatException or IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new ClusterUnreachableException($"The {target} cannot be used: {e.Message}. Fix that context's cluster or user entry in the kubeconfig.");
        }
    }

    /// <summary>
    /// One request, which needs both the connection and the credentials to work: listing at most one
    /// namespace. Whatever fails is said once, in terms of the kubeconfig, with the fix.
    /// </summary>
    public static async Task ProbeAsync(Cluster cluster, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var target = cluster.Target;
        HttpResponseMessage response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            response = await cluster.SendAsync(HttpMethod.Get, "/api/v1/namespaces?limit=1", null, timeout.Token, connectionFailures: false);
        }
        catch (HttpRequestException e) when (TransientFailures.Find<AuthenticationException>(e) is { } tls)
        {
            throw new ClusterUnreachableException(
                $"The API server of {target} presented a certificate this client rejects ({tls.Message}). " +
                "Check the cluster's certificate-authority-data in the kubeconfig (a cluster re-created since the file was written has a new CA): fetch a fresh kubeconfig.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            var why = TransientFailures.Find<SocketException>(e)?.Message ?? (e is OperationCanceledException ? "no answer within 15 s" : e.Message);
            throw new ClusterUnreachableException(
                $"Cannot reach the API server of {target}: {why}. Is the cluster running (`kubectl --context {target.Context} cluster-info`)? {Rehearse}");
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized:
                    throw new ClusterUnreachableException(
                        $"The API server of {target} rejected the credentials (401 Unauthorized): the token or client certificate of that context's user is wrong or expired. " +
                        "Log in again or fetch a fresh kubeconfig.");
                case HttpStatusCode.Forbidden:
                    throw new ClusterUnreachableException(
                        $"The API server of {target} accepted the credentials but refused them to list namespaces (403 Forbidden). " +
                        "The pipeline installs cluster-wide resources (CRDs, webhooks): use a context with cluster-admin rights.");
                case var status when !response.IsSuccessStatusCode:
                    throw new ClusterUnreachableException($"The API server of {target} answered {(int)status} {status} to its first request. Check `kubectl --context {target.Context} get namespaces`.");
            }
        }
    }

    /// <summary>The kubeconfig files <see cref="Open"/> would read (joined as in $KUBECONFIG), and why those; null when none exists.</summary>
    public static (string? File, string Why) KubeconfigInUse(string? kubeconfig, string? variable, string home)
    {
        var existing = KubeconfigFiles(kubeconfig, variable, home).Where(File.Exists).ToList();
        var file = existing.Count > 0 ? string.Join(Path.PathSeparator, existing) : null;
        var why = (kubeconfig, variable, file) switch
        {
            (not null, _, _) => "the kubeconfig setting",
            (_, { Length: > 0 }, not null) => existing.Count > 1 ? "from $KUBECONFIG, merged as kubectl merges them" : "from $KUBECONFIG",
            (_, { Length: > 0 }, null) => $"$KUBECONFIG={variable} names no existing file",
            (_, _, not null) => "default (~/.kube/config)",
            _ => "no ~/.kube/config and $KUBECONFIG is not set",
        };
        return (file, why);
    }

    private static k8s.KubeConfigModels.K8SConfiguration Read(string file)
    {
        try
        {
            // KubernetesClient's own loader first builds a YAML type map of every model it has (a second of start-up);
            // the kubeconfig's own model types, read with a plain deserializer, are all that is needed.
            var config = new YamlDotNet.Serialization.DeserializerBuilder().IgnoreUnmatchedProperties().Build()
                .Deserialize<k8s.KubeConfigModels.K8SConfiguration>(File.ReadAllText(file))
                ?? throw new k8s.Exceptions.KubeConfigException("the file is empty");
            config.FileName = file;
            ResolveRelativePaths(config, Path.GetDirectoryName(Path.GetFullPath(file))!);
            return config;
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException or IOException)
        {
            throw new ClusterUnreachableException($"The kubeconfig {file} cannot be read: {e.Message}. Fix the file, or point the kubeconfig setting at another one.");
        }
    }

    /// <summary>
    /// kubectl's rules for several files: the first to name a cluster, user or context wins, and so does the first
    /// current-context. Also which file each context came from, for the messages.
    /// </summary>
    private static (k8s.KubeConfigModels.K8SConfiguration Config, IReadOnlyDictionary<string, string> DefinedIn) Merge(IReadOnlyList<k8s.KubeConfigModels.K8SConfiguration> configs)
    {
        static List<T> FirstByName<T>(IEnumerable<T> entries, Func<T, string> name) =>
            [.. entries.DistinctBy(name, StringComparer.Ordinal)];

        var definedIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in configs)
        {
            foreach (var context in config.Contexts ?? [])
            {
                definedIn.TryAdd(context.Name, config.FileName);
            }
        }

        var merged = new k8s.KubeConfigModels.K8SConfiguration
        {
            FileName = configs[0].FileName,
            CurrentContext = configs.Select(config => config.CurrentContext).FirstOrDefault(current => !string.IsNullOrEmpty(current)),
            Clusters = FirstByName(configs.SelectMany(config => config.Clusters ?? []), cluster => cluster.Name),
            Users = FirstByName(configs.SelectMany(config => config.Users ?? []), user => user.Name),
            Contexts = FirstByName(configs.SelectMany(config => config.Contexts ?? []), context => context.Name),
        };
        return (merged, definedIn);
    }

    /// <summary>Paths in a kubeconfig are relative to its own file (as kubectl reads them), which a merge would lose.</summary>
    private static void ResolveRelativePaths(k8s.KubeConfigModels.K8SConfiguration config, string directory)
    {
        string? Resolve(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, directory);

        foreach (var endpoint in (config.Clusters ?? []).Select(cluster => cluster.ClusterEndpoint).OfType<k8s.KubeConfigModels.ClusterEndpoint>())
        {
            endpoint.CertificateAuthority = Resolve(endpoint.CertificateAuthority);
        }

        foreach (var user in (config.Users ?? []).Select(user => user.UserCredentials).OfType<k8s.KubeConfigModels.UserCredentials>())
        {
            user.ClientCertificate = Resolve(user.ClientCertificate);
            user.ClientKey = Resolve(user.ClientKey);
            // A bare command is looked up on PATH; one with a directory in it is a path like the others.
            if (user.ExternalExecution is { Command: { } command } exec && command.Contains('/', StringComparison.Ordinal))
            {
                exec.Command = Resolve(command);
            }
        }
    }

    private static IReadOnlyList<string> KubeconfigFiles(string? kubeconfig, string? variable, string home) =>
        kubeconfig is not null ? [kubeconfig]
        : variable is { Length: > 0 } ? [.. variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)]
        : [Path.Combine(home, ".kube", "config")];
}
