namespace Larkway.DingTalk.Stream;

/// <summary>
/// Message ids seen within a window, with the ack each got. DingTalk pushes an unacked event again (and may push a frame
/// twice even after an ack); a repeat is answered with the same ack and does not reach the handler again. A repeat that
/// arrives while the first is still being handled is dropped: the first one's ack answers both.
/// </summary>
internal sealed class DuplicateFilter(TimeSpan window, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    /// <summary>Claims <paramref name="messageId"/>: true for a first sight; false with the earlier ack (null while in flight) for a repeat.</summary>
    public bool TryClaim(string messageId, out DingTalkStreamAck? earlierAck)
    {
        lock (_gate)
        {
            Prune();
            if (_entries.TryGetValue(messageId, out var entry))
            {
                earlierAck = entry.Ack;
                return false;
            }

            var now = timeProvider.GetUtcNow();
            _entries[messageId] = new Entry(null, now);
            _order.Enqueue((messageId, now));
            earlierAck = null;
            return true;
        }
    }

    /// <summary>Records the ack a claimed id got, to replay for repeats.</summary>
    public void Complete(string messageId, DingTalkStreamAck ack)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(messageId, out var entry))
            {
                _entries[messageId] = entry with { Ack = ack };
            }
        }
    }

    /// <summary>Forgets an id whose handling failed before an ack, so that DingTalk's next push is handled afresh.</summary>
    public void Release(string messageId)
    {
        lock (_gate)
        {
            _entries.Remove(messageId);
        }
    }

    private void Prune()
    {
        var horizon = timeProvider.GetUtcNow() - window;
        while (_order.Count > 0 && _order.Peek().At < horizon)
        {
            var (id, at) = _order.Dequeue();

            // An id released and claimed again has a newer entry, which stays.
            if (_entries.TryGetValue(id, out var entry) && entry.ClaimedAt == at)
            {
                _entries.Remove(id);
            }
        }
    }

    private readonly record struct Entry(DingTalkStreamAck? Ack, DateTimeOffset ClaimedAt);
}
