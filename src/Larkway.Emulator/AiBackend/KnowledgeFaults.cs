using System.Globalization;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// One armed knowledge fault: the next <see cref="Remaining"/> knowledge calls (of <see cref="Route"/> only, when set) are
/// refused with <see cref="Status"/> and Dify's error body <c>{code, message, status}</c>.
/// </summary>
internal sealed record KnowledgeFault(string Id, KnowledgeRoute? Route, int Remaining, int Status, string Code, string Message)
{
    /// <summary>Named refusals a real Dify gives, so a test need not spell them out.</summary>
    public static (int Status, string Code, string Message)? Preset(string? name) => name switch
    {
        "server_error" => (500, "internal_server_error", "The server encountered an internal error and was unable to complete your request."),
        "unavailable" => (503, "service_unavailable", "The server is temporarily unable to service your request."),
        "rate_limit" => (403, "forbidden", DifyKnowledgeEndpoints.RateLimitMessage),
        "document_indexing" => (400, "document_indexing", "Cannot delete document during indexing."),
        _ => null,
    };

    public const string PresetNames = "server_error, unavailable, rate_limit, document_indexing";

    public object ToWire() => new { id = Id, route = Route?.WireName(), remaining = Remaining, status = Status, code = Code, message = Message };
}

/// <summary>Faults armed through <c>/_emulator/ai/knowledge/faults</c>, oldest first; not kept in the state file.</summary>
internal sealed class KnowledgeFaults
{
    private readonly Lock _gate = new();
    private readonly List<KnowledgeFault> _armed = [];
    private int _next;

    public KnowledgeFault Arm(KnowledgeRoute? route, int count, int status, string code, string message)
    {
        lock (_gate)
        {
            var fault = new KnowledgeFault("kfault_" + (++_next).ToString(CultureInfo.InvariantCulture), route, count, status, code, message);
            _armed.Add(fault);
            return fault;
        }
    }

    public IReadOnlyList<KnowledgeFault> List()
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

    /// <summary>Takes, for one call of <paramref name="route"/>, the oldest armed fault that applies (one use of its count); null when none does.</summary>
    public KnowledgeFault? Take(KnowledgeRoute route)
    {
        lock (_gate)
        {
            var index = _armed.FindIndex(f => f.Route is null || f.Route == route);
            if (index < 0)
            {
                return null;
            }

            var fault = _armed[index];
            if (fault.Remaining <= 1)
            {
                _armed.RemoveAt(index);
            }
            else
            {
                _armed[index] = fault with { Remaining = fault.Remaining - 1 };
            }

            return fault;
        }
    }
}
