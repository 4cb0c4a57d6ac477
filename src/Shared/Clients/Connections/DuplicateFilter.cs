namespace Larkway.Shared.Clients;

/// <summary>
/// Message ids seen within a window (and at most a number of them), each with the outcome its handling ended in. A
/// platform delivers a message again when it saw no answer, after a reconnect, or sometimes just twice; a repeat is
/// told apart here, and the caller answers it with the earlier outcome (null while the first is still being handled)
/// instead of handling it again. An id whose handling failed is released, so the next delivery is handled afresh.
/// Thread-safe.
/// </summary>
/// <typeparam name="TOutcome">What a handled id is answered with on a repeat (an ack); <see cref="object"/> when nothing is.</typeparam>
internal sealed class DuplicateFilter<TOutcome>(TimeSpan window, TimeProvider timeProvider, int capacity = int.MaxValue)
    where TOutcome : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    /// <summary>Claims <paramref name="id"/>: true for a first sight; false with the earlier outcome (null while in flight) for a repeat.</summary>
    public bool TryClaim(string id, out TOutcome? earlier)
    {
        lock (_gate)
        {
            Prune(timeProvider.GetUtcNow());
            if (_entries.TryGetValue(id, out var entry))
            {
                earlier = entry.Outcome;
                return false;
            }

            Add(id);
            earlier = null;
            return true;
        }
    }

    /// <summary>Claims every id of one delivery, or none: false when any of them was seen before.</summary>
    public bool TryClaimAll(IReadOnlyList<string> ids)
    {
        lock (_gate)
        {
            Prune(timeProvider.GetUtcNow());
            foreach (var id in ids)
            {
                if (_entries.ContainsKey(id))
                {
                    return false;
                }
            }

            foreach (var id in ids)
            {
                Add(id);
            }

            return true;
        }
    }

    /// <summary>Records the outcome a claimed id got, to answer its repeats with.</summary>
    public void Complete(string id, TOutcome outcome)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var entry))
            {
                _entries[id] = entry with { Outcome = outcome };
            }
        }
    }

    /// <summary>Forgets an id whose handling failed or was abandoned, so that its next delivery is handled.</summary>
    public void Release(string id)
    {
        lock (_gate)
        {
            _entries.Remove(id);
        }
    }

    private void Add(string id)
    {
        var now = timeProvider.GetUtcNow();
        _entries[id] = new Entry(null, now);
        _order.Enqueue((id, now));
    }

    private void Prune(DateTimeOffset now)
    {
        var horizon = now - window;
        while (_order.TryPeek(out var oldest) && (oldest.At < horizon || _order.Count > capacity))
        {
            _order.Dequeue();

            // An id released and claimed again has a newer entry, which stays.
            if (_entries.TryGetValue(oldest.Id, out var entry) && entry.ClaimedAt == oldest.At)
            {
                _entries.Remove(oldest.Id);
            }
        }
    }

    private readonly record struct Entry(TOutcome? Outcome, DateTimeOffset ClaimedAt);
}
