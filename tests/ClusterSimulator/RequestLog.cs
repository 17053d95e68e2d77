using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.ClusterSimulator;

/// <summary>One request the simulated API server answered.</summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Verb,
    string Path,
    string Query,
    int Status,
    string? ContentType,
    string? UserAgent,
    string? Fault)
{
    public JsonObject ToJson() => new()
    {
        ["time"] = Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["verb"] = Verb,
        ["path"] = Path,
        ["query"] = Query,
        ["status"] = Status,
        ["contentType"] = ContentType,
        ["userAgent"] = UserAgent,
        ["fault"] = Fault,
    };
}

/// <summary>
/// Every request the API answered (the admin paths under <c>/_sim</c> are not recorded), in memory and,
/// when <see cref="FilePath"/> is set, appended to that file as JSON lines.
/// </summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _records = [];

    /// <summary>A file that gets one JSON object per request, one per line.</summary>
    public string? FilePath { get; set; }

    public IReadOnlyList<RequestRecord> Records
    {
        get { lock (_gate) { return [.. _records]; } }
    }

    /// <summary>How many requests were answered, by HTTP verb and path ("GET /api/v1/namespaces").</summary>
    public IReadOnlyDictionary<string, int> Counts
    {
        get
        {
            lock (_gate)
            {
                return _records.GroupBy(r => $"{r.Verb} {r.Path}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            }
        }
    }

    public int Count(string verb, string path)
    {
        lock (_gate)
        {
            return _records.Count(r => string.Equals(r.Verb, verb, StringComparison.OrdinalIgnoreCase) && r.Path == path);
        }
    }

    /// <summary>
    /// Told of each request as it is recorded, before its answer is sent and before the next one is recorded: a test
    /// can act at an exact point of a client's conversation (end the client before it reads the answer, say).
    /// </summary>
    public event Action<RequestRecord>? Recorded;

    public void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
            if (FilePath is { } path)
            {
                File.AppendAllText(path, record.ToJson().ToJsonString() + "\n");
            }

            Recorded?.Invoke(record);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    public JsonArray ToJson()
    {
        lock (_gate)
        {
            return new JsonArray([.. _records.Select(r => (JsonNode)r.ToJson())]);
        }
    }
}
