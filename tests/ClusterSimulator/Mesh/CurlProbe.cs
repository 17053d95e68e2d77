using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Runs a pod whose container calls curl against a Service URL
/// (<c>http://NAME[.NS[.svc[.cluster.local]]][:PORT][/PATH]</c>, in command and args, or in an
/// <c>sh -c</c> script, whose commands run in turn with <c>;</c>, <c>&amp;&amp;</c> and <c>||</c> obeyed and
/// any command but curl succeeding), with the mesh's rules: the Service's port gives the targetPort; its selected
/// Ready pods are the endpoints; a caller without a sidecar reaching an injected endpoint whose effective
/// PeerAuthentication on that port is STRICT is reset (exit 56), everything else answers 200; the
/// <see cref="MeshOptions"/> switches change both (plaintext let through, or 503 from a failed handshake).
/// <para>
/// What it prints, from the flags present: <c>-w/--write-out</c> prints its format with
/// <c>%{http_code}</c>/<c>%{response_code}</c> replaced (<c>000</c> when no response), and <c>\n</c> as a
/// newline; without <c>-w</c> and without <c>-o</c>, a successful call prints the status line
/// <c>HTTP/1.1 200 OK</c> in place of a body (bodies are not simulated). An error prints curl's message
/// (<c>curl: (N) ...</c>) unless <c>-s</c> is given without <c>-S</c>. Unknown host: exit 6; no Ready
/// endpoint or no such port: exit 7. <c>localhost:15020</c> (or 127.0.0.1) is the pod's pilot-agent: 200 with a
/// sidecar (as for <c>/quitquitquit</c>), exit 7 without. A pod without curl exits 0 with an empty log.
/// </para>
/// </summary>
public static partial class CurlProbe
{
    private static readonly HashSet<string> LongFlagsWithValue = new(StringComparer.Ordinal)
    {
        "--output", "--write-out", "--header", "--request", "--data", "--data-raw", "--max-time",
        "--connect-timeout", "--user", "--user-agent", "--retry", "--retry-delay", "--retry-max-time", "--cacert", "--resolve",
    };

    private const string ShortFlagsWithValue = "owHXdmuAe";

    private const int PilotAgentPort = 15020;

    public static PodRun Run(JsonObject pod, ObjectStore store)
    {
        var ns = ObjectStore.Namespace(pod) ?? "default";
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var words = Words(container);
            if (!words.Contains("curl"))
            {
                continue;
            }

            // Each command of a script in turn, as the shell runs them: && and || look at the last exit code.
            var exit = 0;
            var log = new StringBuilder();
            var separator = ";";
            var segment = new List<string>();
            foreach (var word in words.Append(";"))
            {
                if (word is not (";" or "&&" or "||" or "|"))
                {
                    segment.Add(word);
                    continue;
                }

                var runs = separator switch { "&&" => exit == 0, "||" => exit != 0, _ => true };
                var at = segment.IndexOf("curl");
                if (runs && at >= 0)
                {
                    var command = Parse(segment.Skip(at + 1));
                    var run = command.Url is null ? new PodRun(2, "curl: (2) no URL specified\n") : Call(pod, ns, store, command);
                    exit = run.ExitCode;
                    log.Append(run.Log);
                }
                else if (runs && segment.Count > 0)
                {
                    exit = 0;
                }

                separator = word;
                segment.Clear();
            }

            return new PodRun(exit, log.ToString());
        }

        return new PodRun(0, "");
    }

    private static PodRun Call(JsonObject pod, string ns, ObjectStore store, Command command)
    {
        var url = UrlPattern().Match(command.Url!);
        var host = url.Success ? url.Groups["host"].Value : command.Url!;
        var parts = host.Split('.');
        var serviceName = parts[0];
        var serviceNs = parts.Length > 1 ? parts[1] : ns;
        var knownSuffix = parts.Length <= 2 || string.Join('.', parts[2..]) is "svc" or "svc.cluster.local";
        var port = url.Success && url.Groups["port"].Success ? int.Parse(url.Groups["port"].Value, CultureInfo.InvariantCulture) : 80;

        // The pod's own pilot-agent (port 15020): quitquitquit stops the sidecar so a Job's pod can finish.
        if (host is "localhost" or "127.0.0.1" && port == PilotAgentPort)
        {
            return SidecarInjector.HasSidecar(pod)
                ? command.Output(0, 200, null)
                : command.Output(7, 0, $"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server");
        }

        JsonObject? service = null;
        if (url.Success && knownSuffix)
        {
            try
            {
                service = store.Get(ObjectStore.Kind("Service"), serviceNs, serviceName);
            }
            catch (ApiError error) when (error.Code == 404)
            {
            }
        }

        if (service is null)
        {
            return command.Output(6, 0, $"Could not resolve host: {host}");
        }

        var servicePort = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(p => Endpoints.Number(p["port"]) == port);
        var endpoint = servicePort is null ? null : Endpoints.Ready(store, service).FirstOrDefault();
        var source = new { Workload = Workloads.NameOf(pod), Sidecar = SidecarInjector.HasSidecar(pod) };
        if (endpoint is null)
        {
            store.Telemetry.Record(new ProbeCall(DateTimeOffset.UtcNow, source.Workload, ns, source.Sidecar, serviceName, serviceNs, null, false, 7, 0, false));
            return command.Output(7, 0, $"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server");
        }

        var targetPort = Endpoints.TargetPort(servicePort!, endpoint);
        var destinationSidecar = SidecarInjector.HasSidecar(endpoint);
        var mode = MtlsPolicy.Resolve(PeerAuthentications(store), serviceNs, ObjectStore.Labels(endpoint), targetPort);
        var options = store.MeshOptions;
        var mutualTls = source.Sidecar && destinationSidecar && mode != MtlsMode.Disable;
        var brokenProxy = options.ProxyFailingMutualTls is { } broken && (SidecarInjector.ProxyImageOf(pod) == broken || SidecarInjector.ProxyImageOf(endpoint) == broken);
        if (mutualTls && (!options.MutualTlsHandshake || brokenProxy))
        {
            // The calling proxy answers for a handshake that failed; the destination saw no request to report.
            store.Telemetry.Record(new ProbeCall(DateTimeOffset.UtcNow, source.Workload, ns, source.Sidecar, serviceName, serviceNs, Workloads.NameOf(endpoint), destinationSidecar, 0, 0, false));
            return command.Output(0, 503, null);
        }

        var reset = destinationSidecar && !source.Sidecar && mode == MtlsMode.Strict && options.StrictRefusesPlaintext;
        var exit = reset ? 56 : 0;
        var code = reset ? 0 : 200;
        store.Telemetry.Record(new ProbeCall(DateTimeOffset.UtcNow, source.Workload, ns, source.Sidecar, serviceName, serviceNs, Workloads.NameOf(endpoint), destinationSidecar, exit, code, mutualTls));
        return command.Output(exit, code, reset ? "Recv failure: Connection reset by peer" : null);
    }

    /// <summary>The PeerAuthentications stored, whatever version of the kind is served; none before its CRD.</summary>
    public static IReadOnlyList<JsonObject> PeerAuthentications(ObjectStore store)
    {
        var kind = store.Kinds.All.FirstOrDefault(k => k.Group == "security.istio.io" && k.Plural == "peerauthentications");
        return kind is null
            ? []
            : [.. (store.List(kind, null, LabelSelector.Parse(null), _ => true)["items"] as JsonArray ?? []).OfType<JsonObject>()];
    }

    // command then args; a script given to a shell (an element with spaces) is split as the shell would.
    private static List<string> Words(JsonObject container)
    {
        var words = new List<string>();
        foreach (var element in (container["command"] as JsonArray ?? []).Concat(container["args"] as JsonArray ?? []))
        {
            var text = element?.ToString() ?? "";
            if (text.Contains(' ', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal))
            {
                words.AddRange(ShellWords(text));
            }
            else
            {
                words.Add(text);
            }
        }

        return words;
    }

    private static IEnumerable<string> ShellWords(string script)
    {
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else if (c == '\\' && quote == '"' && i + 1 < script.Length && script[i + 1] is '"' or '\\' or '$')
                {
                    word.Append(script[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) || c is ';' or '&' or '|')
            {
                if (inWord)
                {
                    yield return word.ToString();
                    word.Clear();
                    inWord = false;
                }

                if (c is '&' or '|' && i + 1 < script.Length && script[i + 1] == c)
                {
                    yield return new string(c, 2);
                    i++;
                }
                else if (c is ';' or '|' or '\n')
                {
                    yield return c == '\n' ? ";" : c.ToString();
                }
            }
            else if (c == '\\' && i + 1 < script.Length)
            {
                word.Append(script[++i]);
                inWord = true;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            yield return word.ToString();
        }
    }

    private static Command Parse(IEnumerable<string> arguments)
    {
        var command = new Command();
        using var words = arguments.GetEnumerator();
        string Next() => words.MoveNext() ? words.Current : "";
        while (words.MoveNext())
        {
            var word = words.Current;
            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                var (name, inline) = word.Contains('=', StringComparison.Ordinal) ? (word[..word.IndexOf('=', StringComparison.Ordinal)], word[(word.IndexOf('=', StringComparison.Ordinal) + 1)..]) : (word, null);
                var value = LongFlagsWithValue.Contains(name) ? inline ?? Next() : null;
                command.Flag(name, value);
            }
            else if (word.StartsWith('-') && word.Length > 1)
            {
                for (var i = 1; i < word.Length; i++)
                {
                    if (ShortFlagsWithValue.Contains(word[i], StringComparison.Ordinal))
                    {
                        command.Flag("-" + word[i], i + 1 < word.Length ? word[(i + 1)..] : Next());
                        break;
                    }

                    command.Flag("-" + word[i], null);
                }
            }
            else
            {
                command.Url ??= word;
            }
        }

        return command;
    }

    [GeneratedRegex(@"^(?:https?://)?(?<host>[A-Za-z0-9.-]+)(?::(?<port>\d+))?(?:/.*)?$")]
    private static partial Regex UrlPattern();

    private sealed class Command
    {
        public string? Url { get; set; }

        private bool Silent { get; set; }

        private bool ShowError { get; set; }

        private bool ToFile { get; set; }

        private string? WriteOut { get; set; }

        public void Flag(string name, string? value)
        {
            switch (name)
            {
                case "-s" or "--silent":
                    Silent = true;
                    break;
                case "-S" or "--show-error":
                    ShowError = true;
                    break;
                case "-o" or "--output":
                    ToFile = true;
                    break;
                case "-w" or "--write-out":
                    WriteOut = value;
                    break;
            }
        }

        public PodRun Output(int exit, int code, string? error)
        {
            var log = new StringBuilder();
            if (WriteOut is not null)
            {
                var status = code.ToString("000", CultureInfo.InvariantCulture);
                log.Append(WriteOut.Replace("%{http_code}", status, StringComparison.Ordinal)
                    .Replace("%{response_code}", status, StringComparison.Ordinal)
                    .Replace("\\n", "\n", StringComparison.Ordinal));
            }
            else if (!ToFile && exit == 0)
            {
                log.Append("HTTP/1.1 200 OK\n");
            }

            if (error is not null && (!Silent || ShowError))
            {
                log.Append(CultureInfo.InvariantCulture, $"curl: ({exit}) {error}\n");
            }

            return new PodRun(exit, log.ToString());
        }
    }
}
