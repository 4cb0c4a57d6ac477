using Larkway.Feishu;

namespace Larkway.Hub.Feishu.Notifications;

/// <summary>One of Feishu's send limits: at most <see cref="Limit"/> sends in any <see cref="Length"/>.</summary>
internal readonly record struct PaceWindow(int Limit, TimeSpan Length);

/// <summary>
/// Paces this process's message sends to Feishu's limits — per app (50 a second and 1,000 a minute) and per
/// receiver (5 a second to one chat or person), as the app's <see cref="FeishuRateLimitOptions"/> set them — by
/// handing out send slots in order: a slot now means "send", a later slot means "come back then". The sender puts a delivery with a later slot back in the outbox until then instead of
/// holding a worker, so a busy chat never delays the deliveries to other chats, and a full minute never turns into a
/// storm of 429s. A receiver Feishu reported as throttled (230020) gets no slot before the reset it named.
/// </summary>
/// <remarks>
/// Windows slide (a slot is at least the window's length after the send <c>Limit</c> places earlier), so no window
/// aligned to the platform's clock can see more than the limit; they are a little longer than Feishu's (1.1 s, 61 s)
/// for the time a request takes to arrive. Slots are a plan; a send goes only when the sends answered before it
/// (<see cref="Sent"/>, timed when answered, so late or slow ones count as late as they were) leave room too, so the
/// pacer alone holds the limits and its sends skip the client's limiter (<see cref="FeishuRequestOptions.PacedByCaller"/>). Per replica: N replicas together can exceed the app's limit, and Feishu's
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
                return held.AppReserved ? Send(ScheduleOf(receiver), deliveryId, now) : ReserveApp(deliveryId, ScheduleOf(receiver), planned: false, now);
            }

            var schedule = ScheduleOf(receiver);

            // The receiver's slot first, the app's only once the receiver is ready: a delivery waiting for a busy
            // chat must not take (and so push back) the app's slots that other receivers could use now.
            var slot = schedule.Earliest(perReceiver, now);
            if (slot > now)
            {
                schedule.Add(slot, perReceiver);
                _held[deliveryId] = (slot, AppReserved: false);
                return slot;
            }

            return ReserveApp(deliveryId, schedule, planned: true, now);
        }
    }

    /// <summary>The app's slot; <paramref name="planned"/> is false when the receiver's slot was taken on an earlier call.</summary>
    private DateTimeOffset? ReserveApp(long deliveryId, Schedule receiver, bool planned, DateTimeOffset now)
    {
        var slot = _app.Earliest(perApp, now);
        _app.Add(slot, perApp);
        if (planned)
        {
            receiver.Add(slot, perReceiver);
        }

        if (slot <= now)
        {
            return Send(receiver, deliveryId, now);
        }

        _held[deliveryId] = (slot, AppReserved: true);
        return slot;
    }

    /// <summary>
    /// Null (send now) when the sends that went out (<see cref="Sent"/>) leave room too; else a little later. Slots are a
    /// plan: a delivery comes back after its slot — by a poll interval, or more on a busy worker — and a send takes time
    /// to arrive, so a late send followed by the next window's punctual ones would crowd one second at Feishu. The
    /// client's limiter, which these sends skip, used to catch that; this check does, without holding a worker.
    /// </summary>
    private DateTimeOffset? Send(Schedule receiver, long deliveryId, DateTimeOffset now)
    {
        var receiverAt = receiver.EarliestSend(perReceiver, now, out var receiverSpacing);
        var appAt = _app.EarliestSend(perApp, now, out var appSpacing);
        if (receiverAt <= now && appAt <= now)
        {
            receiver.InFlight++;
            _app.InFlight++;
            return null;
        }

        // Spaced out, not all back at the moment room frees: every delivery held up here would otherwise return then, one
        // would go, and the rest be sent off again a send's width later, over and over (a 1,000-a-minute backlog saw up
        // to 45 trips through the outbox each). Those held up by one key come back one window's pace apart.
        var slot = now;
        if (receiverAt > now)
        {
            slot = receiver.Retry(receiverAt, receiverSpacing);
        }

        if (appAt > now)
        {
            slot = _app.Retry(Max(slot, appAt), appSpacing);
        }

        _held[deliveryId] = (slot, AppReserved: true);
        return slot;
    }

    /// <summary>
    /// A send to <paramref name="receiver"/> that <see cref="Reserve"/> let go has been answered (or failed): it reached
    /// Feishu by now, so the sends after it are spaced from now — never closer at Feishu than the windows allow,
    /// however long it took.
    /// </summary>
    public void Sent(string receiver)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            ScheduleOf(receiver).Sent(now, perReceiver);
            _app.Sent(now, perApp);
        }
    }

    private Schedule ScheduleOf(string receiver)
    {
        if (!_receivers.TryGetValue(receiver, out var schedule))
        {
            schedule = new Schedule();
            _receivers[receiver] = schedule;
        }

        return schedule;
    }

    /// <summary>Feishu throttled <paramref name="receiver"/>: no slot before <paramref name="until"/>.</summary>
    public void Throttled(string receiver, DateTimeOffset until)
    {
        lock (_gate)
        {
            var schedule = ScheduleOf(receiver);
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

    /// <summary>One key's slots handed out and the times its sends went, each in order (the last few, as many as its largest window needs).</summary>
    private sealed class Schedule
    {
        private readonly List<DateTimeOffset> _slots = [];
        private readonly List<DateTimeOffset> _sent = [];
        private DateTimeOffset _retryAt;

        public DateTimeOffset NotBefore { get; set; }

        /// <summary>Sends let go and not answered yet: they may reach Feishu any moment, so they fill the windows as if now.</summary>
        public int InFlight { get; set; }

        public DateTimeOffset Latest => Max(_slots.Count > 0 ? Max(_slots[^1], NotBefore) : NotBefore, _sent.Count > 0 ? _sent[^1] : default);

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

        /// <summary>
        /// The earliest time from <paramref name="now"/> on at which a send keeps every window of the sends answered and in
        /// flight; <paramref name="spacing"/> is the pace of the window that sets it (its length over its limit).
        /// </summary>
        public DateTimeOffset EarliestSend(IReadOnlyList<PaceWindow> windows, DateTimeOffset now, out TimeSpan spacing)
        {
            var at = now;
            spacing = TimeSpan.Zero;
            foreach (var window in windows)
            {
                var windowAt = InFlight >= window.Limit ? now + window.Length
                    : _sent.Count + InFlight >= window.Limit ? _sent[_sent.Count + InFlight - window.Limit] + window.Length
                    : now;
                if (windowAt > at)
                {
                    (at, spacing) = (windowAt, window.Length / window.Limit);
                }
            }

            return at;
        }

        /// <summary>When a send held up until <paramref name="at"/> comes back: then, or <paramref name="spacing"/> after the last one held up.</summary>
        public DateTimeOffset Retry(DateTimeOffset at, TimeSpan spacing)
        {
            _retryAt = Max(at, _retryAt + spacing);
            return _retryAt;
        }

        public void Add(DateTimeOffset slot, IReadOnlyList<PaceWindow> windows) => Append(_slots, slot, windows);

        public void Sent(DateTimeOffset at, IReadOnlyList<PaceWindow> windows)
        {
            InFlight = Math.Max(0, InFlight - 1);
            Append(_sent, at, windows);
        }

        // Only as many as the largest window needs.
        private static void Append(List<DateTimeOffset> times, DateTimeOffset at, IReadOnlyList<PaceWindow> windows)
        {
            times.Add(at);
            var keep = windows.Max(w => w.Limit);
            if (times.Count > keep)
            {
                times.RemoveRange(0, times.Count - keep);
            }
        }
    }
}
