namespace Mesh.ClusterSimulator;

/// <summary>
/// <c>fieldValidation=Strict</c> (what kubectl and helm send) for custom resources: a field their schema
/// does not declare is a 400 BadRequest, worded as the real server words it for decoded bodies and for
/// server-side apply. Without Strict the store prunes such fields instead.
/// </summary>
public static class StrictFields
{
    public static void Check(ResourceKind kind, string? fieldValidation, System.Text.Json.Nodes.JsonObject body, (string? Namespace, string Name)? apply = null)
    {
        if (kind.Schema is not { } schema || !string.Equals(fieldValidation, "Strict", StringComparison.Ordinal))
        {
            return;
        }

        var unknown = SchemaValidation.UnknownFields(schema, body, prune: false);
        if (unknown.Count == 0)
        {
            return;
        }

        if (apply is var (ns, name))
        {
            throw ApiError.BadRequest(
                $"failed to create typed patch object ({ns}/{name}; {kind.ApiVersion}, Kind={kind.Kind}): {string.Join(", ", unknown.Select(u => $".{u}: field not declared in schema"))}");
        }

        throw ApiError.BadRequest(
            $"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
    }
}
