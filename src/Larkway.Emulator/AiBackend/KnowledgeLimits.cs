namespace Larkway.Emulator.AiBackend;

/// <summary>The knowledge limits in force, as the control API shows them.</summary>
internal sealed record KnowledgeLimitsView(long MaxTextBytes, int? MaxDocuments, int? RequestsPerMinute)
{
    public object ToWire() => new { max_text_bytes = MaxTextBytes, max_documents = MaxDocuments, requests_per_minute = RequestsPerMinute };
}

/// <summary>
/// The ways a real Dify's deployment or subscription limits its knowledge API: the text size (its upload limit), the
/// documents per knowledge base, and the requests per key in any 60 s. From <see cref="AiBackendOptions"/> at start;
/// changed through <c>PUT /_emulator/ai/knowledge/limits</c>. Not kept in the state file.
/// </summary>
internal sealed class KnowledgeLimits(AiBackendOptions options)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private KnowledgeLimitsView _current = new(options.KnowledgeMaxTextBytes, options.KnowledgeMaxDocuments, options.KnowledgeRequestsPerMinute);

    public KnowledgeLimitsView Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Checks limits as the options and control API take them; returns an error naming what to fix, or null.</summary>
    public static string? Check(KnowledgeLimitsView limits) =>
        limits.MaxTextBytes < 1 ? "max_text_bytes must be at least 1"
        : limits.MaxDocuments < 0 ? "max_documents must be 0 or more, or null for no limit"
        : limits.RequestsPerMinute < 1 ? "requests_per_minute must be at least 1, or null for no limit"
        : null;

    /// <summary>Puts <paramref name="limits"/> in force (a new rate limit starts counting afresh); an error naming what to fix, or null.</summary>
    public string? Change(KnowledgeLimitsView limits)
    {
        if (Check(limits) is { } error)
        {
            return error;
        }

        lock (_gate)
        {
            _current = limits;
            _recent.Clear();
        }

        return null;
    }

    /// <summary>
    /// Counts one request of <paramref name="caller"/> (a digest of its key) at <paramref name="now"/> and says whether it is
    /// within the rate limit. As Dify, a refused request counts too, so a client that keeps retrying stays refused.
    /// </summary>
    public bool AdmitRequest(string caller, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_current.RequestsPerMinute is not { } limit)
            {
                return true;
            }

            if (!_recent.TryGetValue(caller, out var times))
            {
                _recent[caller] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && times.Peek() <= now - Window)
            {
                times.Dequeue();
            }

            times.Enqueue(now);
            return times.Count <= limit;
        }
    }
}
