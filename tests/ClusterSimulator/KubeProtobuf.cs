using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>
/// Request bodies in the Kubernetes protobuf envelope (<c>application/vnd.kubernetes.protobuf</c>), which
/// kubectl's typed create commands and helm's release records use: the magic bytes <c>k8s\0</c>, then a
/// <c>runtime.Unknown</c> whose <c>raw</c> is the object's own protobuf. Only the kinds and fields below
/// are decoded, with field numbers from kubernetes/api <c>core/v1/generated.proto</c>,
/// <c>apps/v1/generated.proto</c>, <c>authentication/v1/generated.proto</c> and apimachinery <c>meta/v1/generated.proto</c>. A field that is not
/// listed is skipped when it holds its zero value (generated Go code writes every non-pointer field) and
/// refused otherwise, so nothing a client sends is silently lost.
/// </summary>
public static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    public static JsonObject Decode(ReadOnlyMemory<byte> body)
    {
        if (!body.Span.StartsWith(Magic))
        {
            throw ApiError.BadRequest("the protobuf body does not start with the k8s\\0 magic bytes");
        }

        try
        {
            string apiVersion = "", kind = "", contentEncoding = "";
            ReadOnlyMemory<byte> raw = default;
            foreach (var field in ProtobufReader.Fields(body[Magic.Length..]))
            {
                switch (field.Number, field.WireType)
                {
                    case (1, 2):
                        foreach (var typeMeta in ProtobufReader.Fields(field.Bytes))
                        {
                            switch (typeMeta.Number, typeMeta.WireType)
                            {
                                case (1, 2):
                                    apiVersion = Text(typeMeta);
                                    break;
                                case (2, 2):
                                    kind = Text(typeMeta);
                                    break;
                            }
                        }

                        break;
                    case (2, 2):
                        raw = field.Bytes;
                        break;
                    case (3, 2):
                        contentEncoding = Text(field);
                        break;
                }
            }

            if (contentEncoding.Length > 0)
            {
                throw new ApiError(415, "UnsupportedMediaType", $"the simulated API server does not decode protobuf bodies with contentEncoding {contentEncoding}");
            }

            if (!Kinds.TryGetValue((apiVersion, kind), out var schema))
            {
                throw new ApiError(415, "UnsupportedMediaType",
                    $"the simulated API server cannot decode {apiVersion} {kind} sent as {MediaType} yet; send it as application/json");
            }

            return Message(raw, schema, kind, new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind });
        }
        catch (FormatException e)
        {
            throw ApiError.BadRequest($"the protobuf body could not be decoded: {e.Message}");
        }
    }

    private enum T
    {
        String,
        Bytes,
        Bool,
        Int,
        Time,
        IntOrString,
        StringMap,
        BytesMap,
        Strings,
        Message,
        Messages,
    }

    /// <summary>One field of a message: its JSON name, type, nested schema and whether a zero value is kept.</summary>
    private sealed record F(string Name, T Type, Dictionary<int, F>? Of = null, bool Pointer = false);

    private static readonly Dictionary<int, F> OwnerReference = new()
    {
        [5] = new("apiVersion", T.String),
        [1] = new("kind", T.String),
        [3] = new("name", T.String),
        [4] = new("uid", T.String),
        [6] = new("controller", T.Bool, Pointer: true),
        [7] = new("blockOwnerDeletion", T.Bool, Pointer: true),
    };

    private static readonly Dictionary<int, F> ObjectMeta = new()
    {
        [1] = new("name", T.String),
        [2] = new("generateName", T.String),
        [3] = new("namespace", T.String),
        [5] = new("uid", T.String),
        [6] = new("resourceVersion", T.String),
        [7] = new("generation", T.Int),
        [8] = new("creationTimestamp", T.Time),
        [11] = new("labels", T.StringMap),
        [12] = new("annotations", T.StringMap),
        [13] = new("ownerReferences", T.Messages, OwnerReference),
        [14] = new("finalizers", T.Strings),
    };

    private static readonly Dictionary<int, F> Secret = new()
    {
        [1] = new("metadata", T.Message, ObjectMeta),
        [2] = new("data", T.BytesMap),
        [3] = new("type", T.String),
        [4] = new("stringData", T.StringMap),
        [5] = new("immutable", T.Bool, Pointer: true),
    };

    private static readonly Dictionary<int, F> ConfigMap = new()
    {
        [1] = new("metadata", T.Message, ObjectMeta),
        [2] = new("data", T.StringMap),
        [3] = new("binaryData", T.BytesMap),
        [4] = new("immutable", T.Bool, Pointer: true),
    };

    private static readonly Dictionary<int, F> Namespace = new()
    {
        [1] = new("metadata", T.Message, ObjectMeta),
        [2] = new("spec", T.Message, new() { [1] = new("finalizers", T.Strings) }),
        [3] = new("status", T.Message, new() { [1] = new("phase", T.String) }),
    };

    // What `kubectl create deployment NAME --image=IMAGE [--port=N] [--replicas=N] [-- COMMAND ARGS]` sends.
    private static readonly Dictionary<int, F> Container = new()
    {
        [1] = new("name", T.String),
        [2] = new("image", T.String),
        [3] = new("command", T.Strings),
        [4] = new("args", T.Strings),
        [6] = new("ports", T.Messages, new()
        {
            [1] = new("name", T.String),
            [2] = new("hostPort", T.Int),
            [3] = new("containerPort", T.Int),
            [4] = new("protocol", T.String),
        }),
        [7] = new("env", T.Messages, new() { [1] = new("name", T.String), [2] = new("value", T.String) }),
        [14] = new("imagePullPolicy", T.String),
    };

    private static readonly Dictionary<int, F> LabelSelector = new()
    {
        [1] = new("matchLabels", T.StringMap),
        [2] = new("matchExpressions", T.Messages, new()
        {
            [1] = new("key", T.String),
            [2] = new("operator", T.String),
            [3] = new("values", T.Strings),
        }),
    };

    private static readonly Dictionary<int, F> Deployment = new()
    {
        [1] = new("metadata", T.Message, ObjectMeta),
        [2] = new("spec", T.Message, new()
        {
            [1] = new("replicas", T.Int, Pointer: true),
            [2] = new("selector", T.Message, LabelSelector),
            [3] = new("template", T.Message, new()
            {
                [1] = new("metadata", T.Message, ObjectMeta),
                [2] = new("spec", T.Message, new() { [2] = new("containers", T.Messages, Container) }),
            }),
            [4] = new("strategy", T.Message, new()
            {
                [1] = new("type", T.String),
                [2] = new("rollingUpdate", T.Message, new()
                {
                    [1] = new("maxUnavailable", T.IntOrString, Pointer: true),
                    [2] = new("maxSurge", T.IntOrString, Pointer: true),
                }),
            }),
            [5] = new("minReadySeconds", T.Int),
            [6] = new("revisionHistoryLimit", T.Int, Pointer: true),
            [7] = new("paused", T.Bool),
            [9] = new("progressDeadlineSeconds", T.Int, Pointer: true),
        }),
    };

    // helm's uninstall sends its DeleteOptions body in protobuf too (meta/v1 generated.proto).
    private static readonly Dictionary<int, F> DeleteOptions = new()
    {
        [1] = new("gracePeriodSeconds", T.Int, Pointer: true),
        [2] = new("preconditions", T.Message, new() { [1] = new("uid", T.String, Pointer: true), [2] = new("resourceVersion", T.String, Pointer: true) }),
        [3] = new("orphanDependents", T.Bool, Pointer: true),
        [4] = new("propagationPolicy", T.String, Pointer: true),
        [5] = new("dryRun", T.Strings),
        [6] = new("ignoreStoreReadErrorWithClusterBreakingPotential", T.Bool, Pointer: true),
    };

    // What `kubectl create token` sends (authentication/v1 generated.proto).
    private static readonly Dictionary<int, F> TokenRequest = new()
    {
        [1] = new("metadata", T.Message, ObjectMeta),
        [2] = new("spec", T.Message, new()
        {
            [1] = new("audiences", T.Strings),
            [4] = new("expirationSeconds", T.Int, Pointer: true),
            [3] = new("boundObjectRef", T.Message, new()
            {
                [1] = new("kind", T.String),
                [2] = new("apiVersion", T.String),
                [3] = new("name", T.String),
                [4] = new("uid", T.String),
            }),
        }),
    };

    private static readonly Dictionary<(string ApiVersion, string Kind), Dictionary<int, F>> Kinds = new()
    {
        [("v1", "DeleteOptions")] = DeleteOptions,
        [("meta.k8s.io/v1", "DeleteOptions")] = DeleteOptions,
        [("v1", "Secret")] = Secret,
        [("v1", "ConfigMap")] = ConfigMap,
        [("v1", "Namespace")] = Namespace,
        [("apps/v1", "Deployment")] = Deployment,
        [("authentication.k8s.io/v1", "TokenRequest")] = TokenRequest,
    };

    private static JsonObject Message(ReadOnlyMemory<byte> bytes, Dictionary<int, F> schema, string where, JsonObject result)
    {
        foreach (var field in ProtobufReader.Fields(bytes))
        {
            if (!schema.TryGetValue(field.Number, out var f))
            {
                if (!IsZero(field))
                {
                    throw new ApiError(415, "UnsupportedMediaType",
                        $"the simulated API server does not decode field {field.Number} of {where} sent as {MediaType} yet; send it as application/json");
                }

                continue;
            }

            var path = $"{where}.{f.Name}";
            switch (f.Type)
            {
                case T.StringMap or T.BytesMap:
                    var map = result[f.Name] as JsonObject ?? [];
                    var (key, value) = Entry(field, f.Type == T.BytesMap);
                    map[key] = value;
                    result[f.Name] = map;
                    break;
                case T.Strings:
                    Append(result, f.Name, JsonValue.Create(Text(field)));
                    break;
                case T.Messages:
                    Append(result, f.Name, Object(field, f.Of!, path));
                    break;
                default:
                    result[f.Name] = Scalar(field, f, path);
                    break;
            }
        }

        // Zero values are what the Go client's JSON leaves out (omitempty); pointer fields keep them.
        foreach (var (name, value) in result.ToList())
        {
            var f = schema.Values.FirstOrDefault(s => s.Name == name);
            if (f is not null && (value is null || (!f.Pointer && IsEmpty(value))))
            {
                result.Remove(name);
            }
        }

        return result;
    }

    private static JsonNode? Scalar(ProtobufField field, F f, string path) => f.Type switch
    {
        T.String => JsonValue.Create(Text(Expect(field, 2, path))),
        T.Bytes => JsonValue.Create(Convert.ToBase64String(Expect(field, 2, path).Bytes.Span)),
        T.Bool => JsonValue.Create(Expect(field, 0, path).Value != 0),
        T.Int => JsonValue.Create((long)Expect(field, 0, path).Value),
        T.Time => Time(Expect(field, 2, path)),
        T.IntOrString => IntOrString(Expect(field, 2, path)),
        T.Message => Object(field, f.Of!, path),
        _ => throw new FormatException($"{path} has an unexpected schema type {f.Type}"),
    };

    private static JsonObject Object(ProtobufField field, Dictionary<int, F> schema, string path) =>
        Message(Expect(field, 2, path).Bytes, schema, path, []);

    private static void Append(JsonObject target, string name, JsonNode? item)
    {
        var list = target[name] as JsonArray ?? [];
        list.Add(item);
        target[name] = list;
    }

    private static (string Key, JsonNode? Value) Entry(ProtobufField field, bool bytes)
    {
        string key = "";
        JsonNode? value = JsonValue.Create("");
        foreach (var part in ProtobufReader.Fields(field.Bytes))
        {
            switch (part.Number, part.WireType)
            {
                case (1, 2):
                    key = Text(part);
                    break;
                case (2, 2):
                    value = JsonValue.Create(bytes ? Convert.ToBase64String(part.Bytes.Span) : Text(part));
                    break;
            }
        }

        return (key, value);
    }

    // meta/v1 Time: seconds 1, nanos 2; serialized to JSON with a precision of seconds.
    private static JsonNode? Time(ProtobufField field)
    {
        long seconds = 0;
        foreach (var part in ProtobufReader.Fields(field.Bytes))
        {
            if (part is { Number: 1, WireType: 0 })
            {
                seconds = (long)part.Value;
            }
        }

        return seconds == 0
            ? null
            : JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    // util/intstr IntOrString: type 1 (0 int, 1 string), intVal 2, strVal 3.
    private static JsonNode? IntOrString(ProtobufField field)
    {
        long type = 0, number = 0;
        var text = "";
        foreach (var part in ProtobufReader.Fields(field.Bytes))
        {
            switch (part.Number, part.WireType)
            {
                case (1, 0):
                    type = (long)part.Value;
                    break;
                case (2, 0):
                    number = (int)part.Value;
                    break;
                case (3, 2):
                    text = Text(part);
                    break;
            }
        }

        return type == 1 ? JsonValue.Create(text) : JsonValue.Create(number);
    }

    private static ProtobufField Expect(ProtobufField field, int wireType, string path) =>
        field.WireType == wireType ? field : throw new FormatException($"{path} has wire type {field.WireType}, expected {wireType}");

    private static string Text(ProtobufField field) => Encoding.UTF8.GetString(field.Bytes.Span);

    private static bool IsEmpty(JsonNode value) => value switch
    {
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<long>(out var n) => n == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        _ => false,
    };

    // A field holds its zero value when it is 0, empty, or a message whose every field is zero.
    private static bool IsZero(ProtobufField field)
    {
        if (field.WireType != 2)
        {
            return field.Value == 0;
        }

        if (field.Bytes.IsEmpty)
        {
            return true;
        }

        try
        {
            return ProtobufReader.Fields(field.Bytes).All(IsZero);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
