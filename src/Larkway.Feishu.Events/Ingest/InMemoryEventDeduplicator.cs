namespace Larkway.Feishu.Events.Ingest;

/// <summary>
/// Remembers recently seen dedup keys in memory, bounded by count and age. It covers Feishu's
/// redelivery window for a single process that keeps running; it forgets on restart, which is why
/// the Hub dedupes in its database instead. Thread-safe.
/// </summary>
public sealed class InMemoryEventDeduplicator
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset At)> _order = new();
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _timeProvider;

    /// <param name="capacity">How many keys to keep at most; the oldest go first.</param>
    /// <param name="retention">How long a key is remembered. Feishu's last HTTP retry comes about 7 h after the first attempt.</param>
    /// <param name="timeProvider">The clock.</param>
    public InMemoryEventDeduplicator(int capacity = 100_000, TimeSpan? retention = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _retention = retention ?? TimeSpan.FromHours(8);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Records every key and returns true when none of them was seen before.</summary>
    public bool TryAdd(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return true;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            Evict(now);
            foreach (var key in keys)
            {
                if (_seen.ContainsKey(key))
                {
                    return false;
                }
            }

            foreach (var key in keys)
            {
                _seen[key] = now;
                _order.Enqueue((key, now));
            }

            return true;
        }
    }

    /// <summary>Forgets keys, so that a failed handling can be delivered again.</summary>
    public void Remove(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _seen.Remove(key);
            }
        }
    }

    private void Evict(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest)
            && (_order.Count > _capacity || now - oldest.At > _retention))
        {
            _order.Dequeue();

            // A removed-and-re-added key has a newer entry later in the queue; only drop the current one.
            if (_seen.TryGetValue(oldest.Key, out var at) && at == oldest.At)
            {
                _seen.Remove(oldest.Key);
            }
        }
    }
}
