namespace Larkway.WeCom.AiBot;

/// <summary>
/// Message ids seen within a window. WeCom may deliver a message again (after a reconnect, or when it saw no reply);
/// a repeat does not reach the handler again. An id whose handling was abandoned (the client stopping) is released so a
/// later delivery is handled.
/// </summary>
internal sealed class AiBotDuplicateFilter(TimeSpan window, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();

    /// <summary>True for the first sight of <paramref name="id"/> within the window.</summary>
    public bool TryClaim(string id)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            var horizon = now - window;
            while (_order.Count > 0 && _order.Peek().At < horizon)
            {
                var (old, at) = _order.Dequeue();
                if (_seen.TryGetValue(old, out var claimed) && claimed == at)
                {
                    _seen.Remove(old);
                }
            }

            if (!_seen.TryAdd(id, now))
            {
                return false;
            }

            _order.Enqueue((id, now));
            return true;
        }
    }

    /// <summary>Forgets an id so its next delivery is handled.</summary>
    public void Release(string id)
    {
        lock (_gate)
        {
            _seen.Remove(id);
        }
    }
}
