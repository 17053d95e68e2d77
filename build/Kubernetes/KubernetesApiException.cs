using System.Net;
using System.Text.Json.Nodes;

namespace Mesh.Build.Kubernetes;

/// <summary>The API server refused a request: its status code and its own message, with what we asked.</summary>
public sealed class KubernetesApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>From a failed response: the message of the server's Status object when it sent one, else its text.</summary>
    public static KubernetesApiException From(HttpStatusCode status, string body, string what)
    {
        var message = body;
        try
        {
            message = (string?)(JsonNode.Parse(body) as JsonObject)?["message"] ?? body;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status object (a proxied service's answer, say): keep the text.
        }

        return new KubernetesApiException(status, $"{what}: {(int)status} {status}: {message.Trim()}");
    }
}

/// <summary>A wait ran out of time; the message names the object, what was awaited and the last condition seen.</summary>
public sealed class WaitTimeoutException(string message) : TimeoutException(message);

/// <summary>A wait saw a state that no more waiting will mend (a failed Job, say).</summary>
public sealed class WaitFailedException(string message) : Exception(message);
