namespace Larkway.Emulator.Events;

/// <summary>A pending drop rule: the next <see cref="Remaining"/> events of <see cref="EventType"/> are lost.</summary>
public sealed record EventDropRule(string EventType, int Remaining);

/// <summary>
/// Loses the next N events of a type on purpose (control API), so tests can show that a receiver
/// survives a missed event through reconciliation. A dropped event is still in the events log (it can
/// be redelivered) and gets one failed attempt saying it was dropped, so a test can see it happened.
/// </summary>
public sealed class EventDrops
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _remaining = new(StringComparer.Ordinal);

    public void Add(string eventType, int count)
    {
        lock (_gate)
        {
            _remaining[eventType] = _remaining.GetValueOrDefault(eventType) + count;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _remaining.Clear();
        }
    }

    public IReadOnlyList<EventDropRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _remaining.Select(r => new EventDropRule(r.Key, r.Value))];
            }
        }
    }

    /// <summary>True (and one fewer to drop) when the next event of this type is to be lost.</summary>
    public bool TryConsume(string eventType)
    {
        lock (_gate)
        {
            if (!_remaining.TryGetValue(eventType, out var left))
            {
                return false;
            }

            if (left <= 1)
            {
                _remaining.Remove(eventType);
            }
            else
            {
                _remaining[eventType] = left - 1;
            }

            return true;
        }
    }
}
