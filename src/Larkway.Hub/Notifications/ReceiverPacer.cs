namespace Larkway.Hub.Notifications;

/// <summary>
/// Paces this process's sends per receiver (a chat or a person) to Feishu's limit of 5 messages a second, by
/// handing out send slots: a slot now means "send", a later slot means "come back then" — the sender puts the
/// delivery back in the outbox until its slot instead of holding a worker, so one busy chat never delays the
/// deliveries to other chats. A receiver Feishu reported as throttled (230020 with a reset) gets no slot before
/// the reset.
/// </summary>
/// <remarks>
/// Per replica: N replicas sending to one chat at the same moment can exceed the limit together; Feishu's answer
/// (a rate-limit code and <c>x-ogw-ratelimit-reset</c>) then moves that receiver's next slot here too, and the
/// delivery is retried at the reset without using up an attempt. Slots are spaced evenly, 1.1 s / limit apart,
/// so no one-second window — aligned to the platform's clock or not — sees more than the limit.
/// </remarks>
internal sealed class ReceiverPacer(TimeProvider time, int perSecond)
{
    /// <summary>Receivers idle this long are forgotten.</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(1);

    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1.1) / Math.Max(1, perSecond);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _nextFree = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DateTimeOffset> _reserved = [];
    private DateTimeOffset _lastSweep;

    /// <summary>
    /// The slot of <paramref name="deliveryId"/> for <paramref name="receiver"/>: null to send now, or when to come
    /// back (the slot is then held for this delivery, so it is not passed over again when it returns).
    /// </summary>
    public DateTimeOffset? Reserve(string receiver, long deliveryId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (_reserved.TryGetValue(deliveryId, out var held))
            {
                if (held > now)
                {
                    return held;
                }

                _reserved.Remove(deliveryId);
                return null;
            }

            var next = _nextFree.TryGetValue(receiver, out var free) && free > now ? free : now;
            _nextFree[receiver] = next + _spacing;
            if (next <= now)
            {
                return null;
            }

            _reserved[deliveryId] = next;
            return next;
        }
    }

    /// <summary>Feishu throttled <paramref name="receiver"/>: no slot before <paramref name="until"/>.</summary>
    public void Throttled(string receiver, DateTimeOffset until)
    {
        lock (_gate)
        {
            if (!_nextFree.TryGetValue(receiver, out var free) || free < until)
            {
                _nextFree[receiver] = until;
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < Forget)
        {
            return;
        }

        _lastSweep = now;
        foreach (var receiver in _nextFree.Where(p => now - p.Value > Forget).Select(p => p.Key).ToList())
        {
            _nextFree.Remove(receiver);
        }

        foreach (var id in _reserved.Where(p => now - p.Value > Forget).Select(p => p.Key).ToList())
        {
            _reserved.Remove(id);
        }
    }
}
