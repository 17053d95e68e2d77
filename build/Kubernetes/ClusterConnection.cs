using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using k8s;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// Opens the door once per run: finds the kubeconfig as kubectl does (the setting, else each file of
/// <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>), picks the context, and asks the server one question before
/// anything else happens. Every way that can go wrong becomes one <see cref="ClusterUnreachableException"/>
/// naming the kubeconfig, context and server, and what to do.
/// </summary>
public static class ClusterConnection
{
    private const string Rehearse = "To try the pipeline without a cluster, rehearse it on the simulator: tests/rehearse.sh.";

    public static Cluster Open(string? kubeconfig, string? context, string? kubeconfigVariable, string home)
    {
        var files = KubeconfigFiles(kubeconfig, kubeconfigVariable, home);
        // Of several files in $KUBECONFIG, the first that exists is read (kubectl merges them; we do not).
        var shown = files.FirstOrDefault(File.Exists) ?? string.Join(":", files);
        if (!files.Any(File.Exists))
        {
            throw new ClusterUnreachableException(
                $"No kubeconfig: {(kubeconfig is not null ? $"--kubeconfig={kubeconfig} does not exist" : kubeconfigVariable is { Length: > 0 } ? $"$KUBECONFIG={kubeconfigVariable} names no existing file" : $"{shown} does not exist and $KUBECONFIG is not set")}. " +
                $"Point the kubeconfig setting (or $KUBECONFIG) at your cluster's kubeconfig, e.g. `kind get kubeconfig > ~/.kube/config`. {Rehearse}");
        }

        k8s.KubeConfigModels.K8SConfiguration config;
        try
        {
            // KubernetesClient's own loader first builds a YAML type map of every model it has (a second of start-up);
            // the kubeconfig's own model types, read with a plain deserializer, are all that is needed.
            config = new YamlDotNet.Serialization.DeserializerBuilder().IgnoreUnmatchedProperties().Build()
                .Deserialize<k8s.KubeConfigModels.K8SConfiguration>(File.ReadAllText(shown))
                ?? throw new k8s.Exceptions.KubeConfigException("the file is empty");
            config.FileName = shown;
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException or IOException)
        {
            throw new ClusterUnreachableException($"The kubeconfig {shown} cannot be read: {e.Message}. Fix the file, or point the kubeconfig setting at another one.");
        }

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
        var target = new ClusterTarget(shown, chosen, server);
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

    /// <summary>The kubeconfig file <see cref="Open"/> would read, and why that one; the file is null when none exists.</summary>
    public static (string? File, string Why) KubeconfigInUse(string? kubeconfig, string? variable, string home)
    {
        var files = KubeconfigFiles(kubeconfig, variable, home);
        var file = files.FirstOrDefault(File.Exists);
        var why = (kubeconfig, variable, file) switch
        {
            (not null, _, _) => "the kubeconfig setting",
            (_, { Length: > 0 }, not null) => "from $KUBECONFIG",
            (_, { Length: > 0 }, null) => $"$KUBECONFIG={variable} names no existing file",
            (_, _, not null) => "default (~/.kube/config)",
            _ => "no ~/.kube/config and $KUBECONFIG is not set",
        };
        return (file, why);
    }

    private static IReadOnlyList<string> KubeconfigFiles(string? kubeconfig, string? variable, string home) =>
        kubeconfig is not null ? [kubeconfig]
        : variable is { Length: > 0 } ? [.. variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)]
        : [Path.Combine(home, ".kube", "config")];
}
