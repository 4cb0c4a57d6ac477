namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>The gateway-wide faults in force, each until a time on the injected clock (null = off).</summary>
public sealed record DingTalkStreamGatewayFaults(DateTimeOffset? RefuseTicketsUntil, DateTimeOffset? EndpointDownUntil);

/// <summary>
/// Timed gateway faults. <c>refuse-tickets</c>: the gateway answers 503; <c>endpoint-down</c>: the gateway answers 503
/// and WebSocket upgrades are refused. Both end by themselves when their time is up.
/// </summary>
internal sealed class StreamFaults(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _refuseTicketsUntil;
    private DateTimeOffset? _endpointDownUntil;

    public void RefuseTickets(TimeSpan duration)
    {
        lock (_gate)
        {
            _refuseTicketsUntil = time.GetUtcNow() + duration;
        }
    }

    public void EndpointDown(TimeSpan duration)
    {
        lock (_gate)
        {
            _endpointDownUntil = time.GetUtcNow() + duration;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _refuseTicketsUntil = _endpointDownUntil = null;
        }
    }

    public DingTalkStreamGatewayFaults Current()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return new DingTalkStreamGatewayFaults(_refuseTicketsUntil > now ? _refuseTicketsUntil : null, _endpointDownUntil > now ? _endpointDownUntil : null);
        }
    }

    /// <summary>Why the gateway refuses to issue a ticket now, or null.</summary>
    public StreamRefusal? GatewayRefusal()
    {
        var current = Current();
        return current.EndpointDownUntil is not null ? new StreamRefusal(503, "ServiceUnavailable", "the Stream endpoint is unavailable; retry later")
            : current.RefuseTicketsUntil is not null ? new StreamRefusal(503, "ServiceUnavailable", "the service is temporarily unavailable; retry later")
            : null;
    }

    /// <summary>Why WebSocket upgrades are refused now, or null.</summary>
    public StreamRefusal? UpgradeRefusal() =>
        Current().EndpointDownUntil is not null ? new StreamRefusal(503, "ServiceUnavailable", "the Stream endpoint is unavailable; retry later") : null;
}
