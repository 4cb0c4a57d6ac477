using System.Text.Json;

namespace Larkway.Emulator.AiBackend;

/// <summary>One message of an OpenAI request, as received (text parts joined).</summary>
internal sealed record AiMessage(string Role, string Content)
{
    /// <summary>The message's image parts, as the fake answer names them.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];
}

/// <summary>
/// One request the fake backend received, whole, for tests to inspect (e.g. that a mobile number never reached it): the
/// backend, what was asked and by whom, and the raw body. <see cref="Outcome"/> and <see cref="TokensSent"/> follow the
/// answer as it goes. The key used is not kept.
/// </summary>
internal sealed class AiRequestRecord
{
    private volatile string _outcome = "received";
    private int _tokensSent;

    public required long Sequence { get; init; }

    /// <summary>"dify" or "openai".</summary>
    public required string Backend { get; init; }

    /// <summary>"chat" (chat-messages, chat/completions) or "stop".</summary>
    public required string Operation { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? User { get; init; }

    public string? Query { get; init; }

    public string? ConversationId { get; init; }

    public string? TaskId { get; set; }

    /// <summary>Whether the answer was asked as a stream (Dify's response_mode streaming; OpenAI's stream true).</summary>
    public bool Stream { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<AiMessage> Messages { get; init; } = [];

    public JsonElement? Inputs { get; init; }

    /// <summary>The files the request carried or uploaded, as the fake answer names them.</summary>
    public IReadOnlyList<string> Files { get; set; } = [];

    public required string Body { get; init; }

    /// <summary>received, unauthorized, invalid, not_found, rate_limited, server_error, hung, failed, stopped, aborted, completed.</summary>
    public string Outcome
    {
        get => _outcome;
        set => _outcome = value;
    }

    public int TokensSent => Volatile.Read(ref _tokensSent);

    public void CountToken() => Interlocked.Increment(ref _tokensSent);

    public object ToWire() => new
    {
        sequence = Sequence,
        backend = Backend,
        operation = Operation,
        received_at = ReceivedAt,
        user = User,
        query = Query,
        conversation_id = ConversationId,
        task_id = TaskId,
        stream = Stream,
        model = Model,
        messages = Messages.Select(m => new { role = m.Role, content = m.Content }),
        inputs = Inputs,
        files = Files,
        body = Body,
        outcome = Outcome,
        tokens_sent = TokensSent,
    };
}

/// <summary>Every request received, oldest first, up to <see cref="AiBackendOptions.RequestLogCapacity"/>; not kept in the state file.</summary>
internal sealed class AiRequestLog(AiBackendOptions options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<AiRequestRecord> _records = new();
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(AiRequestRecord record)
    {
        lock (_gate)
        {
            _records.AddLast(record);
            while (_records.Count > Math.Max(1, options.RequestLogCapacity))
            {
                _records.RemoveFirst();
            }
        }
    }

    public IReadOnlyList<AiRequestRecord> List(string? backend = null)
    {
        lock (_gate)
        {
            return [.. _records.Where(r => backend is null || r.Backend == backend)];
        }
    }

    public int Clear()
    {
        lock (_gate)
        {
            var count = _records.Count;
            _records.Clear();
            return count;
        }
    }
}
