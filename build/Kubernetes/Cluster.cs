using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Polly;

namespace Mesh.Build.Kubernetes;

/// <summary>
/// The one door to the cluster, on KubernetesClient's connection (kubeconfig, context, TLS and credentials):
/// get, list, server-side apply, delete, waits built on watches, and the raw GETs of the service proxy and pod
/// logs. Objects travel as JSON, so a task works with our manifests and any kind the server serves alike.
/// Every request goes through <see cref="SendAsync"/>, the place where transient failures are to be handled.
/// </summary>
public sealed class Cluster : IDisposable
{
    /// <summary>The field manager of every object we apply.</summary>
    public const string FieldManager = "mesh-build";

    private readonly k8s.Kubernetes _client;
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<ApiResource>>> _discovery = new(StringComparer.Ordinal);

    private RetryLimits _limits = RetryLimits.Default;
    private ResiliencePipeline<HttpResponseMessage> _retrying = null!;
    private ResiliencePipeline<HttpResponseMessage> _retryingAnswers = null!;
    private int _retried;

    internal Cluster(k8s.Kubernetes client, ClusterTarget target)
    {
        _client = client;
        Target = target;
        Retries = RetryLimits.Default;
    }

    /// <summary>Which kubeconfig, context and server this run talks to, for every message that needs to say so.</summary>
    public ClusterTarget Target { get; }

    /// <summary>The live object, or null when there is none.</summary>
    public async Task<JsonObject?> GetAsync(string apiVersion, string kind, string name, string? ns, CancellationToken cancel = default)
    {
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var response = await SendAsync(HttpMethod.Get, resource.PathOf(ns, name), null, cancel);
        return response.StatusCode == HttpStatusCode.NotFound ? null : WithKind(await ReadObjectAsync(response, $"get {kind} {Name(ns, name)}", cancel), apiVersion, kind);
    }

    /// <summary>
    /// Whether an object exists, asking for its metadata only (a Secret's data need not travel: the server
    /// answers a PartialObjectMetadata where it can).
    /// </summary>
    public async Task<bool> ExistsAsync(string apiVersion, string kind, string name, string? ns, CancellationToken cancel = default)
    {
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var response = await SendAsync(HttpMethod.Get, resource.PathOf(ns, name), null, cancel, accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ReadObjectAsync(response, $"get {kind} {Name(ns, name)}", cancel);
        return true;
    }

    /// <summary>
    /// Objects of one kind, in a namespace or (null) in all, by label and field selector. <paramref name="metadataOnly"/>
    /// asks for their metadata alone (a Secret's data need not travel: the server answers a PartialObjectMetadataList where it can).
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(
        string apiVersion, string kind, string? ns = null, string? labelSelector = null, string? fieldSelector = null, bool metadataOnly = false, CancellationToken cancel = default)
    {
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        var query = Query(("labelSelector", labelSelector), ("fieldSelector", fieldSelector));
        var accept = metadataOnly ? "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json" : "application/json";
        using var response = await SendAsync(HttpMethod.Get, resource.PathOf(ns, null) + query, null, cancel, accept: accept);
        var list = await ReadObjectAsync(response, $"list {kind}{(ns is null ? string.Empty : $" in {ns}")}", cancel);
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        // Detached from the list, so a caller may put them into documents of its own.
        (list["items"] as JsonArray)?.Clear();
        // Every item is of the listed kind: a plain list's items do not say so, a PartialObjectMetadata says otherwise.
        return [.. items.Select(item => Kinded(item, apiVersion, kind))];
    }

    /// <summary>
    /// Server-side apply as <see cref="FieldManager"/>, with the server validating every field strictly.
    /// <paramref name="force"/> takes fields back from other managers: only for objects that are ours.
    /// A dry run returns what the server would store (admission webhooks included) and stores nothing.
    /// </summary>
    public async Task<JsonObject> ApplyAsync(JsonObject desired, bool force, bool dryRun = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var (apiVersion, kind, name, ns) = Identity(desired);
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        var query = Query(("fieldManager", FieldManager), ("fieldValidation", "Strict"), ("force", force ? "true" : "false"), ("dryRun", dryRun ? "All" : null));
        var body = new StringContent(desired.ToJsonString(), Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
        using var response = await SendAsync(HttpMethod.Patch, resource.PathOf(resource.Namespaced ? ns : null, name) + query, body, cancel);
        return WithKind(await ReadObjectAsync(response, $"apply {kind} {Name(ns, name)}", cancel), apiVersion, kind);
    }

    /// <summary>Creates an object; null when one of that name exists already (409 AlreadyExists), for callers that race for it.</summary>
    public async Task<JsonObject?> CreateAsync(JsonObject desired, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var (apiVersion, kind, name, ns) = Identity(desired);
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var response = await SendAsync(HttpMethod.Post, resource.PathOf(resource.Namespaced ? ns : null, null) + Query(("fieldManager", FieldManager)), Json(desired), cancel);
        return response.StatusCode == HttpStatusCode.Conflict ? null : WithKind(await ReadObjectAsync(response, $"create {kind} {Name(ns, name)}", cancel), apiVersion, kind);
    }

    /// <summary>
    /// Replaces an object as read (its <c>metadata.resourceVersion</c> guards the write); null when someone changed
    /// it since (409 Conflict), for callers that race for it.
    /// </summary>
    public async Task<JsonObject?> ReplaceAsync(JsonObject desired, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var (apiVersion, kind, name, ns) = Identity(desired);
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var response = await SendAsync(HttpMethod.Put, resource.PathOf(resource.Namespaced ? ns : null, name) + Query(("fieldManager", FieldManager)), Json(desired), cancel);
        return response.StatusCode == HttpStatusCode.Conflict ? null : WithKind(await ReadObjectAsync(response, $"replace {kind} {Name(ns, name)}", cancel), apiVersion, kind);
    }

    /// <summary>Deletes an object (its dependents in the background); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string apiVersion, string kind, string name, string? ns, CancellationToken cancel = default)
    {
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var response = await SendAsync(HttpMethod.Delete, resource.PathOf(ns, name) + Query(("propagationPolicy", "Background")), null, cancel);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ReadObjectAsync(response, $"delete {kind} {Name(ns, name)}", cancel);
        return true;
    }

    /// <summary>Told, every interval of a long wait, what is awaited, for how long and the last condition seen.</summary>
    public Reporting.Progress Progress { get; set; } = Reporting.Progress.Silent;

    /// <summary>
    /// Waits until <paramref name="check"/> says the object is done, reading it once and then following its
    /// changes on a watch. A timeout names the object, what was awaited and the last condition seen.
    /// </summary>
    public async Task<JsonObject> WaitAsync(
        string apiVersion, string kind, string name, string? ns, string awaited, Func<JsonObject?, WaitState> check, TimeSpan timeout, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(check);
        var resource = await ResourceAsync(apiVersion, kind, cancel);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var last = "not read yet";
        var first = true;
        using var progress = Progress.Start(elapsed => $"waiting for {kind} {Name(ns, name)} to become {awaited}: {Reporting.Progress.Elapsed(elapsed)} so far, last seen: {last}");
        try
        {
            while (true)
            {
                // The first look happens even with no time to wait: a zero timeout asks "is it so now?".
                var current = await GetAsync(apiVersion, kind, name, ns, first ? cancel : deadline.Token);
                first = false;
                var state = Evaluate(check, current, kind, name, ns, awaited);
                last = state.Condition;
                if (state.Done)
                {
                    return current!;
                }

                deadline.Token.ThrowIfCancellationRequested();
                var version = (string?)current?["metadata"]?["resourceVersion"];
                var path = resource.PathOf(ns, null) + Query(
                    ("watch", "true"),
                    ("fieldSelector", $"metadata.name={name}"),
                    ("resourceVersion", version),
                    ("timeoutSeconds", ((int)Math.Clamp(timeout.TotalSeconds, 1, 300)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                using var response = await SendAsync(HttpMethod.Get, path, null, deadline.Token, HttpCompletionOption.ResponseHeadersRead);
                if (!response.IsSuccessStatusCode)
                {
                    await ReadObjectAsync(response, $"watch {kind} {Name(ns, name)}", deadline.Token);
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
                while (await NextLineAsync(reader, deadline.Token) is { } line)
                {
                    if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject watchEvent)
                    {
                        continue;
                    }

                    // An expired resourceVersion (ERROR 410) or a deletion: read the object afresh.
                    if ((string?)watchEvent["type"] is "ERROR" or "DELETED")
                    {
                        break;
                    }

                    if ((string?)watchEvent["type"] is "ADDED" or "MODIFIED" && watchEvent["object"] is JsonObject changed)
                    {
                        state = Evaluate(check, WithKind(changed, apiVersion, kind), kind, name, ns, awaited);
                        last = state.Condition;
                        if (state.Done)
                        {
                            return WithKind(changed, apiVersion, kind);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new WaitTimeoutException(
                $"{kind} {Name(ns, name)} did not become {awaited} within {Tools.GoDuration.Format(timeout)} (last seen: {last}); look at it with `kubectl describe {kind.ToLowerInvariant()} {name}{(ns is null ? string.Empty : $" -n {ns}")}`.");
        }
    }

    /// <summary>A GET of a path the API server serves as text: a Service's proxy, a pod's log.</summary>
    public async Task<string> GetRawAsync(string path, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        return response.IsSuccessStatusCode ? text : throw KubernetesApiException.From(response.StatusCode, text, $"GET {path} failed");
    }

    /// <summary>The kind's resource (plural, scope) from discovery, read once per group-version and again when a kind is new.</summary>
    public async Task<ApiResource> ResourceAsync(string apiVersion, string kind, CancellationToken cancel = default)
    {
        var resources = await _discovery.GetOrAdd(apiVersion, version => DiscoverAsync(version, cancel));
        var found = resources.FirstOrDefault(resource => resource.Kind == kind);
        if (found is null)
        {
            // A CRD installed since the last look adds kinds: look once more before giving up.
            _discovery[apiVersion] = DiscoverAsync(apiVersion, cancel);
            found = (await _discovery[apiVersion]).FirstOrDefault(resource => resource.Kind == kind);
        }

        return found ?? throw new KubernetesApiException(
            HttpStatusCode.NotFound,
            $"the server does not serve {kind} in {apiVersion} (is the CRD that defines it installed?)");
    }

    /// <summary>
    /// Every kind the server serves that can be listed, at its group's preferred version: what an audit of the whole
    /// cluster goes through. Read afresh (CRDs come and go during a run).
    /// </summary>
    public async Task<IReadOnlyList<ApiResource>> ListableResourcesAsync(CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "/apis", null, cancel);
        var groups = await ReadObjectAsync(response, "discover the API groups", cancel);
        var versions = (groups["groups"] as JsonArray ?? [])
            .Select(group => (string?)group?["preferredVersion"]?["groupVersion"])
            .OfType<string>()
            .Prepend("v1")
            .ToList();
        var found = new List<ApiResource>();
        foreach (var version in versions)
        {
            _discovery[version] = DiscoverAsync(version, cancel);
            found.AddRange((await _discovery[version]).Where(resource => resource.Listable));
        }

        return found;
    }

    /// <summary>Whether the server serves a kind now (for kinds that come with an optional add-on, such as cert-manager's).</summary>
    public async Task<bool> ServesAsync(string apiVersion, string kind, CancellationToken cancel = default)
    {
        try
        {
            await ResourceAsync(apiVersion, kind, cancel);
            return true;
        }
        catch (KubernetesApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Every request to the cluster passes here: KubernetesClient's client carries the TLS set-up and the
    /// credentials of the kubeconfig's user; transient failures (see <see cref="TransientFailures"/>) are tried
    /// again within <see cref="Retries"/>, and the last answer, whatever it is, goes back to the caller.
    /// <paramref name="connectionFailures"/> false leaves a failed connection to the caller at once (the first probe).
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        HttpContent? body,
        CancellationToken cancel,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        bool connectionFailures = true,
        string accept = "application/json")
    {
        // A request is sent once; its body is kept so that each attempt sends a new one.
        var bytes = body is null ? null : await body.ReadAsByteArrayAsync(cancel);
        var contentType = body?.Headers.ContentType;
        body?.Dispose();
        var pipeline = connectionFailures ? _retrying : _retryingAnswers;
        return await pipeline.ExecuteAsync(
            async token =>
            {
                using var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, path));
                if (bytes is not null)
                {
                    request.Content = new ByteArrayContent(bytes);
                    request.Content.Headers.ContentType = contentType;
                }

                request.Headers.TryAddWithoutValidation("Accept", accept);
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue(FieldManager, "1"));
                if (_client.Credentials is { } credentials)
                {
                    await credentials.ProcessHttpRequestAsync(request, token);
                }

                return await _client.HttpClient.SendAsync(request, completion, token);
            },
            cancel);
    }

    /// <summary>How many transient failures this run met and tried again (for the report).</summary>
    public int Retried => _retried;

    /// <summary>Where each retry is said (verbose); set by the run.</summary>
    public Action<string>? RetryLog { get; set; }

    /// <summary>The bounds of the retries; the run's settings may change them before the first request.</summary>
    public RetryLimits Retries
    {
        get => _limits;
        set
        {
            _limits = value;
            _retrying = TransientFailures.Pipeline(value, connectionFailures: true, OnRetry);
            _retryingAnswers = TransientFailures.Pipeline(value, connectionFailures: false, OnRetry);
        }
    }

    private void OnRetry(string what)
    {
        Interlocked.Increment(ref _retried);
        RetryLog?.Invoke($"transient failure from {Target.Server}: {what}");
    }

    private async Task<IReadOnlyList<ApiResource>> DiscoverAsync(string apiVersion, CancellationToken cancel)
    {
        var path = apiVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{apiVersion}" : $"/api/{apiVersion}";
        using var response = await SendAsync(HttpMethod.Get, path, null, cancel);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        var list = await ReadObjectAsync(response, $"discover {apiVersion}", cancel);
        return [.. (list["resources"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(resource => !((string?)resource["name"] ?? "/").Contains('/', StringComparison.Ordinal))
            .Select(resource => new ApiResource(
                apiVersion,
                (string)resource["kind"]!,
                (string)resource["name"]!,
                (bool?)resource["namespaced"] ?? false,
                (resource["verbs"] as JsonArray ?? []).Any(verb => (string?)verb == "list")))];
    }

    // A watch whose stream breaks (the connection reset or dropped) ends like one the server closed: the object is read afresh and watched again.
    private static async Task<string?> NextLineAsync(StreamReader reader, CancellationToken cancel)
    {
        try
        {
            return await reader.ReadLineAsync(cancel);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    private static WaitState Evaluate(Func<JsonObject?, WaitState> check, JsonObject? current, string kind, string name, string? ns, string awaited)
    {
        var state = check(current);
        return state.Failure is { } failure
            ? throw new WaitFailedException($"{kind} {Name(ns, name)} will not become {awaited}: {failure}")
            : state;
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, string what, CancellationToken cancel)
    {
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw KubernetesApiException.From(response.StatusCode, text, what);
        }

        return JsonNode.Parse(text) as JsonObject ?? throw new KubernetesApiException(response.StatusCode, $"{what}: the server answered something other than an object");
    }

    private static StringContent Json(JsonObject obj)
    {
        var body = new StringContent(obj.ToJsonString(), Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return body;
    }

    private static JsonObject WithKind(JsonObject obj, string apiVersion, string kind)
    {
        obj["apiVersion"] ??= apiVersion;
        obj["kind"] ??= kind;
        return obj;
    }

    private static JsonObject Kinded(JsonObject obj, string apiVersion, string kind)
    {
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    private static (string ApiVersion, string Kind, string Name, string? Namespace) Identity(JsonObject obj) => (
        (string?)obj["apiVersion"] ?? throw new ArgumentException("The object has no apiVersion.", nameof(obj)),
        (string?)obj["kind"] ?? throw new ArgumentException("The object has no kind.", nameof(obj)),
        (string?)obj["metadata"]?["name"] ?? throw new ArgumentException("The object has no metadata.name.", nameof(obj)),
        (string?)obj["metadata"]?["namespace"]);

    private static string Name(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private static string Query(params (string Key, string? Value)[] parameters)
    {
        var present = parameters.Where(parameter => parameter.Value is not null).Select(parameter => $"{parameter.Key}={Uri.EscapeDataString(parameter.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join("&", present);
    }
}

/// <summary>A kind as the server serves it: its plural resource name, whether it lives in namespaces and whether it can be listed.</summary>
public sealed record ApiResource(string ApiVersion, string Kind, string Plural, bool Namespaced, bool Listable = true)
{
    public string PathOf(string? ns, string? name)
    {
        var root = ApiVersion.Contains('/', StringComparison.Ordinal) ? $"/apis/{ApiVersion}" : $"/api/{ApiVersion}";
        var scope = Namespaced && ns is not null ? $"/namespaces/{ns}" : string.Empty;
        return $"{root}{scope}/{Plural}{(name is null ? string.Empty : $"/{name}")}";
    }
}

/// <summary>What a wait's check says of the object it last saw: done, or not yet and why; or a failure that no waiting will mend.</summary>
public sealed record WaitState(bool Done, string Condition, string? Failure = null)
{
    public static WaitState Ready(string condition) => new(true, condition);

    public static WaitState Pending(string condition) => new(false, condition);

    public static WaitState Failed(string why) => new(false, why, why);
}
