using Larkway.Shared.Clients;

namespace Larkway.Feishu.Events.Ingest;

/// <summary>
/// Remembers recently seen dedup keys in memory, bounded by count and age. It covers Feishu's
/// redelivery window for a single process that keeps running; it forgets on restart, which is why
/// the Hub dedupes in its database instead. Thread-safe.
/// </summary>
public sealed class InMemoryEventDeduplicator
{
    private readonly DuplicateFilter<object> _filter;

    /// <param name="capacity">How many keys to keep at most; the oldest go first.</param>
    /// <param name="retention">How long a key is remembered. Feishu's last HTTP retry comes about 7 h after the first attempt.</param>
    /// <param name="timeProvider">The clock.</param>
    public InMemoryEventDeduplicator(int capacity = 100_000, TimeSpan? retention = null, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _filter = new DuplicateFilter<object>(retention ?? TimeSpan.FromHours(8), timeProvider ?? TimeProvider.System, capacity);
    }

    /// <summary>Records every key and returns true when none of them was seen before.</summary>
    public bool TryAdd(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 0 || _filter.TryClaimAll(keys);
    }

    /// <summary>Forgets keys, so that a failed handling can be delivered again.</summary>
    public void Remove(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            _filter.Release(key);
        }
    }
}
