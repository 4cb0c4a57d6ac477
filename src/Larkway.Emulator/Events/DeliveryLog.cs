namespace Larkway.Emulator.Events;

/// <summary>
/// One delivery attempt. No encrypt keys or bodies are kept here. <see cref="Connection"/> is the
/// long connection's device_id (null for HTTP); its <see cref="StatusCode"/> is the ack's <c>code</c>.
/// </summary>
public sealed record DeliveryAttempt(
    string EventId,
    string EventType,
    string AppId,
    int Delivery,
    int Attempt,
    long TimeMs,
    int? StatusCode,
    bool Success,
    string? Error,
    long? NextRetryMs,
    string? Connection = null);

/// <summary>An event raised for an app (its body stays inside the emulator).</summary>
public sealed record RaisedEvent(string EventId, string EventType, string AppId, long CreateTimeMs);

/// <summary>Events raised so far (kept for redelivery) and every delivery attempt, in memory.</summary>
public sealed class DeliveryLog
{
    /// <summary>Oldest events and attempts are dropped beyond this, so a long-running emulator stays bounded.</summary>
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, OutgoingEventRecord> _events = new(StringComparer.Ordinal);
    private readonly List<DeliveryAttempt> _attempts = [];
    private readonly List<RaisedEvent> _raised = [];

    /// <summary>Events raised, newest first (recorded when the state changes, before any delivery).</summary>
    public IReadOnlyList<RaisedEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. Enumerable.Reverse(_raised)];
            }
        }
    }

    /// <summary>Attempts, newest first.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. Enumerable.Reverse(_attempts)];
            }
        }
    }

    public IReadOnlyList<DeliveryAttempt> AttemptsOf(string eventId) => [.. Attempts.Where(a => a.EventId == eventId)];

    internal void AddEvent(OutgoingEvent outgoing)
    {
        lock (_gate)
        {
            _events[outgoing.EventId] = new OutgoingEventRecord(outgoing);
            _raised.Add(new RaisedEvent(outgoing.EventId, outgoing.EventType, outgoing.AppId, outgoing.CreateTimeMs));
            if (_raised.Count > Capacity)
            {
                _events.Remove(_raised[0].EventId);
                _raised.RemoveAt(0);
            }
        }
    }

    internal OutgoingEvent? FindEvent(string eventId)
    {
        lock (_gate)
        {
            return _events.GetValueOrDefault(eventId)?.Event;
        }
    }

    /// <summary>The next delivery number of an event (1 = the original, 2+ = redeliveries).</summary>
    internal int NextDelivery(string eventId)
    {
        lock (_gate)
        {
            return _events.TryGetValue(eventId, out var record) ? ++record.Deliveries : 1;
        }
    }

    internal void Add(DeliveryAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
            if (_attempts.Count > Capacity)
            {
                _attempts.RemoveAt(0);
            }
        }
    }

    private sealed class OutgoingEventRecord(OutgoingEvent outgoing)
    {
        public OutgoingEvent Event { get; } = outgoing;

        public int Deliveries { get; set; }
    }
}
