namespace Larkway.Emulator.Events;

/// <summary>
/// A pending drop rule: of the next events of <see cref="EventType"/>, every <see cref="Every"/>th is lost until
/// <see cref="Remaining"/> have been (<see cref="Every"/> 1: the next <see cref="Remaining"/> in a row).
/// </summary>
public sealed record EventDropRule(string EventType, int Remaining, int Every = 1);

/// <summary>
/// Loses events of a type on purpose (control API), the next N or every Kth of them, so tests can show that a receiver
/// survives missed events through reconciliation. A dropped event is still in the events log (it can be redelivered) and
/// gets one failed attempt saying it was dropped, so a test can see it happened.
/// </summary>
public sealed class EventDrops
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Rule> _rules = new(StringComparer.Ordinal);

    /// <summary>Loses <paramref name="count"/> more events of the type: every <paramref name="every"/>th one from now on.</summary>
    public void Add(string eventType, int count, int every = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        lock (_gate)
        {
            var remaining = _rules.TryGetValue(eventType, out var rule) ? rule.Remaining : 0;
            _rules[eventType] = new Rule { Remaining = remaining + count, Every = every };
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public IReadOnlyList<EventDropRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Select(r => new EventDropRule(r.Key, r.Value.Remaining, r.Value.Every))];
            }
        }
    }

    /// <summary>True (and one fewer to drop) when this event of the type is to be lost.</summary>
    public bool TryConsume(string eventType)
    {
        lock (_gate)
        {
            if (!_rules.TryGetValue(eventType, out var rule) || ++rule.Seen % rule.Every != 0)
            {
                return false;
            }

            if (--rule.Remaining == 0)
            {
                _rules.Remove(eventType);
            }

            return true;
        }
    }

    private sealed class Rule
    {
        public int Remaining { get; set; }

        public int Every { get; init; }

        public int Seen { get; set; }
    }
}
