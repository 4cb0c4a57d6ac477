using Larkway.Feishu;

namespace Larkway.Hub.Notifications;

/// <summary>One of Feishu's send limits: at most <see cref="Limit"/> sends in any <see cref="Length"/>.</summary>
internal readonly record struct PaceWindow(int Limit, TimeSpan Length);

/// <summary>
/// Paces this process's message sends to Feishu's limits — per app (50 a second and 1,000 a minute) and per
/// receiver (5 a second to one chat or person), as the app's <see cref="FeishuRateLimitOptions"/> set them — by handing out send slots in order: a slot now means "send", a later
/// slot means "come back then". The sender puts a delivery with a later slot back in the outbox until then instead of
/// holding a worker, so a busy chat never delays the deliveries to other chats, and a full minute never turns into a
/// storm of 429s. A receiver Feishu reported as throttled (230020) gets no slot before the reset it named.
/// </summary>
/// <remarks>
/// Windows slide (a slot is at least the window's length after the send <c>Limit</c> places earlier), so no window
/// aligned to the platform's clock can see more than the limit; they are a little longer than Feishu's (1.1 s, 61 s)
/// for the time a request takes to arrive. Per replica: N replicas together can exceed the app's limit, and Feishu's
/// answer (429 with <c>x-ogw-ratelimit-reset</c>) then decides; the sender retries at that reset without using up
/// an attempt.
/// </remarks>
internal sealed class SendPacer(TimeProvider time, IReadOnlyList<PaceWindow> perReceiver, IReadOnlyList<PaceWindow> perApp)
{
    /// <summary>Receivers idle this long are forgotten.</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly Schedule _app = new();
    private readonly Dictionary<string, Schedule> _receivers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (DateTimeOffset Slot, bool AppReserved)> _held = [];
    private DateTimeOffset _lastSweep;

    /// <summary>Feishu's documented limits for sending messages.</summary>
    public static SendPacer ForFeishu(TimeProvider time, int perReceiverPerSecond, int perAppPerSecond, int perAppPerMinute) => new(
        time,
        [new(perReceiverPerSecond, TimeSpan.FromSeconds(1.1))],
        [new(perAppPerSecond, TimeSpan.FromSeconds(1.1)), new(perAppPerMinute, TimeSpan.FromSeconds(61))]);

    /// <summary>
    /// The pacer of an app whose client enforces <paramref name="limits"/> (its <see cref="FeishuClient.RateLimit"/>):
    /// the same numbers, so they are configured once; the sends it paces then skip the client's limiter.
    /// </summary>
    public static SendPacer For(TimeProvider time, FeishuRateLimitOptions limits) =>
        ForFeishu(time, limits.MessagesPerSecondPerReceiver, limits.MessagesPerSecond, limits.MessagesPerMinute);

    /// <summary>True when this pacer holds sends to <paramref name="limits"/>.</summary>
    public bool Paces(FeishuRateLimitOptions limits) =>
        perReceiver is [{ Limit: var receiver }] && perApp is [{ Limit: var second }, { Limit: var minute }]
        && (receiver, second, minute) == (limits.MessagesPerSecondPerReceiver, limits.MessagesPerSecond, limits.MessagesPerMinute);

    /// <summary>
    /// The slot of <paramref name="deliveryId"/> for <paramref name="receiver"/>: null to send now, or when to come
    /// back (held for this delivery, so it is not passed over again when it returns).
    /// </summary>
    public DateTimeOffset? Reserve(string receiver, long deliveryId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (_held.TryGetValue(deliveryId, out var held))
            {
                if (held.Slot > now)
                {
                    return held.Slot;
                }

                _held.Remove(deliveryId);
                return held.AppReserved ? null : ReserveApp(deliveryId, null, now);
            }

            if (!_receivers.TryGetValue(receiver, out var schedule))
            {
                schedule = new Schedule();
                _receivers[receiver] = schedule;
            }

            // The receiver's slot first, the app's only once the receiver is ready: a delivery waiting for a busy
            // chat must not take (and so push back) the app's slots that other receivers could use now.
            var slot = schedule.Earliest(perReceiver, now);
            if (slot > now)
            {
                schedule.Add(slot, perReceiver);
                _held[deliveryId] = (slot, AppReserved: false);
                return slot;
            }

            return ReserveApp(deliveryId, schedule, now);
        }
    }

    private DateTimeOffset? ReserveApp(long deliveryId, Schedule? receiver, DateTimeOffset now)
    {
        var slot = _app.Earliest(perApp, now);
        _app.Add(slot, perApp);
        receiver?.Add(slot, perReceiver);
        if (slot <= now)
        {
            return null;
        }

        _held[deliveryId] = (slot, AppReserved: true);
        return slot;
    }

    /// <summary>Feishu throttled <paramref name="receiver"/>: no slot before <paramref name="until"/>.</summary>
    public void Throttled(string receiver, DateTimeOffset until)
    {
        lock (_gate)
        {
            if (!_receivers.TryGetValue(receiver, out var schedule))
            {
                schedule = new Schedule();
                _receivers[receiver] = schedule;
            }

            schedule.NotBefore = Max(schedule.NotBefore, until);
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < Forget)
        {
            return;
        }

        _lastSweep = now;
        foreach (var receiver in _receivers.Where(p => now - p.Value.Latest > Forget).Select(p => p.Key).ToList())
        {
            _receivers.Remove(receiver);
        }

        foreach (var id in _held.Where(p => now - p.Value.Slot > Forget).Select(p => p.Key).ToList())
        {
            _held.Remove(id);
        }
    }

    /// <summary>One key's slots handed out, in order (the last few, as many as its largest window needs).</summary>
    private sealed class Schedule
    {
        private readonly List<DateTimeOffset> _slots = [];

        public DateTimeOffset NotBefore { get; set; }

        public DateTimeOffset Latest => _slots.Count > 0 ? Max(_slots[^1], NotBefore) : NotBefore;

        /// <summary>The earliest slot from <paramref name="now"/> on that keeps every window and the order.</summary>
        public DateTimeOffset Earliest(IReadOnlyList<PaceWindow> windows, DateTimeOffset now)
        {
            var slot = Max(now, Latest);
            foreach (var window in windows)
            {
                if (_slots.Count >= window.Limit)
                {
                    slot = Max(slot, _slots[_slots.Count - window.Limit] + window.Length);
                }
            }

            return slot;
        }

        public void Add(DateTimeOffset slot, IReadOnlyList<PaceWindow> windows)
        {
            _slots.Add(slot);
            var keep = windows.Max(w => w.Limit);
            if (_slots.Count > keep)
            {
                _slots.RemoveRange(0, _slots.Count - keep);
            }
        }
    }
}
