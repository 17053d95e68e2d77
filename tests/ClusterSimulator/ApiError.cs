using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>A failure the API answers with a <c>Status</c> object, as the real API server does.</summary>
public sealed class ApiError(int code, string reason, string message, string? name = null, ResourceKind? kind = null)
    : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    /// <summary>
    /// The Status <c>details</c> to answer with instead of the ones built from name and kind: a 422 Invalid
    /// names the kind (not the resource) and carries a cause per field.
    /// </summary>
    public JsonObject? Details { get; init; }

    /// <summary>The <c>details.causes</c> added to the details built from name and kind.</summary>
    public JsonArray? Causes { get; init; }

    /// <summary>What went wrong, when the Status the real server answers with does not say.</summary>
    public string? Detail { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
            ["code"] = Code,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }
        else if (name is not null || kind is not null || Causes is not null)
        {
            var details = new JsonObject();
            if (name is not null)
            {
                details["name"] = name;
            }

            if (kind is not null)
            {
                if (kind.Group.Length > 0)
                {
                    details["group"] = kind.Group;
                }

                details["kind"] = kind.Plural;
            }

            if (Causes is not null)
            {
                details["causes"] = Causes.DeepClone();
            }

            status["details"] = details;
        }

        return status;
    }

    public static ApiError NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.GroupResource} \"{name}\" not found", name, kind);

    public static ApiError AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.GroupResource} \"{name}\" already exists", name, kind);

    public static ApiError Conflict(ResourceKind kind, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {kind.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name, kind);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Invalid(ResourceKind kind, string name, string message) =>
        new(422, "Invalid", $"{kind.Kind} \"{name}\" is invalid: {message}", name, kind);
}
