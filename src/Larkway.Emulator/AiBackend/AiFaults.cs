namespace Larkway.Emulator.AiBackend;

/// <summary>What an armed fault does to the next matching request.</summary>
internal enum AiFaultKind
{
    /// <summary>The first token comes <c>delay_ms</c> late (Dify keeps pinging meanwhile).</summary>
    SlowFirstToken,

    /// <summary>After <c>after_tokens</c> tokens the stream ends with an error (Dify's <c>error</c> event; OpenAI's error object).</summary>
    ErrorMidStream,

    /// <summary>429 with <c>Retry-After</c> before anything is generated.</summary>
    RateLimit,

    /// <summary>A 5xx (<c>status</c>, 500 by default) before anything is generated.</summary>
    ServerError,

    /// <summary>No answer at all (or, with <c>after_tokens</c>, no more tokens after that many) until the client gives up.</summary>
    Hang,

    /// <summary>Dify's output moderation: after the answer, <c>message_replace</c> with <c>answer</c> (the blocking answer is it).</summary>
    Moderation,
}

/// <summary>One armed fault: what, for which backend (null: both), how many more requests it applies to, and its figures.</summary>
internal sealed record AiFault(string Id, AiFaultKind Kind, string? Backend, int Remaining, int DelayMs, int? AfterTokens, int RetryAfterSeconds, int Status, string? Answer)
{
    public static string WireName(AiFaultKind kind) => kind switch
    {
        AiFaultKind.SlowFirstToken => "slow_first_token",
        AiFaultKind.ErrorMidStream => "error_mid_stream",
        AiFaultKind.RateLimit => "rate_limit",
        AiFaultKind.ServerError => "server_error",
        AiFaultKind.Hang => "hang",
        _ => "moderation",
    };

    public static AiFaultKind? Parse(string? name) => name switch
    {
        "slow_first_token" => AiFaultKind.SlowFirstToken,
        "error_mid_stream" => AiFaultKind.ErrorMidStream,
        "rate_limit" => AiFaultKind.RateLimit,
        "server_error" => AiFaultKind.ServerError,
        "hang" => AiFaultKind.Hang,
        "moderation" => AiFaultKind.Moderation,
        _ => null,
    };

    public object ToWire() => new
    {
        id = Id,
        kind = WireName(Kind),
        backend = Backend,
        remaining = Remaining,
        delay_ms = DelayMs,
        after_tokens = AfterTokens,
        retry_after_seconds = RetryAfterSeconds,
        status = Status,
        answer = Answer,
    };
}

/// <summary>The faults a request draws: at most one of each kind, each used up by one request.</summary>
internal sealed record AiFaultSet(IReadOnlyList<AiFault> Faults)
{
    public static readonly AiFaultSet None = new([]);

    public AiFault? Of(AiFaultKind kind) => Faults.FirstOrDefault(f => f.Kind == kind);
}

/// <summary>Faults armed through <c>/_emulator/ai/faults</c>; not kept in the state file (they start empty).</summary>
internal sealed class AiFaults
{
    private readonly Lock _gate = new();
    private readonly List<AiFault> _armed = [];
    private int _next;

    public AiFault Arm(AiFaultKind kind, string? backend, int count, int delayMs, int? afterTokens, int retryAfterSeconds, int status, string? answer)
    {
        lock (_gate)
        {
            var fault = new AiFault("fault_" + (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture), kind, backend, count, delayMs, afterTokens, retryAfterSeconds, status, answer);
            _armed.Add(fault);
            return fault;
        }
    }

    public IReadOnlyList<AiFault> List()
    {
        lock (_gate)
        {
            return [.. _armed];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _armed.Clear();
        }
    }

    /// <summary>Takes, for one request to <paramref name="backend"/>, the oldest armed fault of each kind that applies.</summary>
    public AiFaultSet Take(string backend)
    {
        lock (_gate)
        {
            var taken = new List<AiFault>();
            foreach (var fault in _armed.ToList())
            {
                if ((fault.Backend is null || fault.Backend == backend) && taken.All(t => t.Kind != fault.Kind))
                {
                    taken.Add(fault);
                    var index = _armed.IndexOf(fault);
                    if (fault.Remaining <= 1)
                    {
                        _armed.RemoveAt(index);
                    }
                    else
                    {
                        _armed[index] = fault with { Remaining = fault.Remaining - 1 };
                    }
                }
            }

            return taken.Count == 0 ? AiFaultSet.None : new AiFaultSet(taken);
        }
    }
}
