using System.Globalization;

namespace Larkway.Shared.Clients;

/// <summary>Why a long connection is no longer trusted; the kind is a telemetry tag value, the details go in the reason text.</summary>
internal enum LivenessFailure
{
    /// <summary>Nothing at all arrived for the rule's silence.</summary>
    Silence,

    /// <summary>The rule's number of probes (pings) in a row went unanswered for its probe timeout.</summary>
    UnansweredProbes,

    /// <summary>Pushes kept reaching the app's other connections and none this one: the server writes into a dead socket.</summary>
    Deaf,

    /// <summary>The server's own pings stopped coming (and nothing else came) for the rule's number of their intervals.</summary>
    ServerPingsMissed,
}

/// <summary>
/// One platform's liveness settings: a connection is dead when nothing arrives for <see cref="Silence"/>, or when
/// <see cref="MaxUnansweredProbes"/> probes in a row stay unanswered <see cref="ProbeTimeout"/> after the last of them.
/// A probe is due every <see cref="ProbeInterval"/>, and also once nothing has arrived for <see cref="IdleProbe"/>; where
/// the server pings instead, the connection is dead once nothing has arrived for <see cref="MissedServerPings"/> + 1 of
/// the server's ping intervals. <see cref="Timeout.InfiniteTimeSpan"/> (or zero) turns a part off.
/// </summary>
internal readonly record struct LivenessRule(TimeSpan Silence, TimeSpan ProbeInterval, TimeSpan ProbeTimeout, int MaxUnansweredProbes = 1)
{
    /// <summary>
    /// A connection on which nothing has arrived for this long is probed at once, whatever the regular interval: the
    /// application-level answer proves, within <see cref="ProbeTimeout"/>, that the server still hears and answers. A
    /// busy connection is never probed this way (its pushes prove it), so the load falls on idle connections only.
    /// </summary>
    public TimeSpan IdleProbe { get; init; }

    /// <summary>
    /// Where the server pings the client (its cadence learned from the gap between two of its pings): the server's pings
    /// this many in a row may go missing; one more and the connection is dead. 0 turns the part off.
    /// </summary>
    public int MissedServerPings { get; init; }

    /// <summary>A rule of silence alone: the transport (or the server) does the probing.</summary>
    public static LivenessRule SilenceOnly(TimeSpan silence) => new(silence, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    internal static bool IsOn(TimeSpan span) => span > TimeSpan.Zero && span != Timeout.InfiniteTimeSpan;
}

/// <summary>What <see cref="LivenessWatch.Check"/> found.</summary>
/// <param name="Failure">Why the connection is dead; null while it is alive.</param>
/// <param name="Reason">The failure in words (for logs and <c>LastReplaceReason</c>); null while alive.</param>
/// <param name="ProbeDue">True when a probe should go out now (then call <see cref="LivenessWatch.Probed"/>).</param>
/// <param name="RecheckIn">When the next check can change the answer; <see cref="Timeout.InfiniteTimeSpan"/> when nothing is timed.</param>
internal readonly record struct LivenessVerdict(LivenessFailure? Failure, string? Reason, bool ProbeDue, TimeSpan RecheckIn)
{
    public bool IsDead => Failure is not null;
}

/// <summary>
/// The one liveness rule of a long connection (Feishu's long connection, DingTalk's Stream, WeCom's AI bot): no sign of
/// life from the server within a time → probe → the connection is replaced. The watch only keeps the time of the last
/// sign of life, the probes in flight and the run of pushes missed; each client says what a sign of life and an answer
/// are on its wire, sends the probes, and replaces the connection its own way. Thread-safe.
/// </summary>
internal sealed class LivenessWatch
{
    private const long NeverProbed = long.MinValue;

    private readonly TimeProvider _time;
    private readonly Lock _streak = new();
    private long _lastHeard;
    private long _lastProbe;
    private int _unanswered;
    private int _missedPushes;
    private long _suspectedSince;
    private long _lastServerPing;
    private long _serverPingGap;

    /// <param name="timeProvider">The clock.</param>
    /// <param name="probeAtOnce">True to have the first probe due at once (the answer carries settings, or nothing proved the link yet); false to wait a probe interval (the handshake's answer already did).</param>
    public LivenessWatch(TimeProvider timeProvider, bool probeAtOnce)
    {
        _time = timeProvider;
        var now = timeProvider.GetTimestamp();
        _lastHeard = now;
        _lastProbe = probeAtOnce ? NeverProbed : now;
        _lastServerPing = NeverProbed;
    }

    /// <summary>How long since the last sign of life (or since the watch began).</summary>
    public TimeSpan Silence => _time.GetElapsedTime(Interlocked.Read(ref _lastHeard));

    /// <summary>Probes sent since the last answer.</summary>
    public int UnansweredProbes => Volatile.Read(ref _unanswered);

    /// <summary>Something arrived: a frame of any kind, a fragment, a server ping.</summary>
    public void Heard() => Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());

    /// <summary>
    /// The server pinged (a sign of life too). From the second ping on, the watch knows the server's cadence: the
    /// longest gap seen between two of its pings on this connection.
    /// </summary>
    public void HeardServerPing()
    {
        var now = _time.GetTimestamp();
        Interlocked.Exchange(ref _lastHeard, now);
        var previous = Interlocked.Exchange(ref _lastServerPing, now);
        if (previous == NeverProbed)
        {
            return;
        }

        var gap = now - previous;
        long known;
        while (gap > (known = Interlocked.Read(ref _serverPingGap)) && Interlocked.CompareExchange(ref _serverPingGap, gap, known) != known)
        {
        }
    }

    /// <summary>The longest gap seen between two of the server's pings; null until two have come.</summary>
    public TimeSpan? ServerPingInterval => Interlocked.Read(ref _serverPingGap) is > 0 and var gap ? _time.GetElapsedTime(0, gap) : null;

    /// <summary>A probe was answered (on some wires any frame counts as the answer): the run of unanswered probes ends.</summary>
    public void Answered() => Interlocked.Exchange(ref _unanswered, 0);

    /// <summary>A probe went out.</summary>
    public void Probed()
    {
        Interlocked.Exchange(ref _lastProbe, _time.GetTimestamp());
        Interlocked.Increment(ref _unanswered);
    }

    /// <summary>Applies <paramref name="rule"/> now: dead (and why), a probe due, or alive until <see cref="LivenessVerdict.RecheckIn"/>.</summary>
    public LivenessVerdict Check(in LivenessRule rule)
    {
        var now = _time.GetTimestamp();
        var recheck = Timeout.InfiniteTimeSpan;
        var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastHeard), now);
        if (LivenessRule.IsOn(rule.Silence))
        {
            if (silent >= rule.Silence)
            {
                return Dead(LivenessFailure.Silence, string.Create(CultureInfo.InvariantCulture, $"no frame for {silent.TotalSeconds:0} s"));
            }

            recheck = rule.Silence - silent;
        }

        if (rule.MissedServerPings > 0 && ServerPingInterval is { } cadence)
        {
            var deadline = cadence * (rule.MissedServerPings + 1);
            if (silent >= deadline)
            {
                return Dead(LivenessFailure.ServerPingsMissed, string.Create(CultureInfo.InvariantCulture,
                    $"no server ping (nor any frame) for {silent.TotalSeconds:0.0} s; it pings every {cadence.TotalSeconds:0.0} s"));
            }

            recheck = Min(recheck, deadline - silent);
        }

        var idleProbe = LivenessRule.IsOn(rule.IdleProbe);
        if (!LivenessRule.IsOn(rule.ProbeInterval) && !idleProbe)
        {
            return new LivenessVerdict(null, null, ProbeDue: false, recheck);
        }

        var lastProbe = Interlocked.Read(ref _lastProbe);
        var sinceProbe = lastProbe == NeverProbed ? TimeSpan.MaxValue : _time.GetElapsedTime(lastProbe, now);
        var unanswered = Volatile.Read(ref _unanswered);
        if (unanswered >= Math.Max(1, rule.MaxUnansweredProbes) && LivenessRule.IsOn(rule.ProbeTimeout))
        {
            // No further probe while the verdict is pending: a new one would restart the deadline.
            if (sinceProbe >= rule.ProbeTimeout)
            {
                return Dead(LivenessFailure.UnansweredProbes, Unanswered(unanswered, rule.ProbeTimeout));
            }

            return new LivenessVerdict(null, null, ProbeDue: false, Min(recheck, rule.ProbeTimeout - sinceProbe));
        }

        // The regular probe, and the idle one: nothing heard, and no probe sent, for the idle span.
        var regularIn = LivenessRule.IsOn(rule.ProbeInterval) ? rule.ProbeInterval - Min(sinceProbe, rule.ProbeInterval) : Timeout.InfiniteTimeSpan;
        var idleIn = idleProbe ? rule.IdleProbe - Min(Min(silent, sinceProbe), rule.IdleProbe) : Timeout.InfiniteTimeSpan;
        if (regularIn == TimeSpan.Zero || idleIn == TimeSpan.Zero)
        {
            var next = Min(LivenessRule.IsOn(rule.ProbeInterval) ? rule.ProbeInterval : Timeout.InfiniteTimeSpan, idleProbe ? rule.IdleProbe : Timeout.InfiniteTimeSpan);
            return new LivenessVerdict(null, null, ProbeDue: true, Min(recheck, next));
        }

        return new LivenessVerdict(null, null, ProbeDue: false, Min(recheck, Min(regularIn, idleIn)));
    }

    /// <summary>A push arrived on this connection: it is not deaf, and no longer suspect.</summary>
    public void GotPush()
    {
        lock (_streak)
        {
            _missedPushes = 0;
        }
    }

    /// <summary>
    /// A push arrived on another connection of the app. Decides whether this one is deaf: it has missed
    /// <paramref name="streak"/> pushes in a row (that makes it suspect) and still none reached it
    /// <paramref name="confirmation"/> after that, while pushes kept reaching the others. The confirmation is what tells a
    /// deaf connection, which misses every push for as long as it is deaf, from one whose read loop fell a few
    /// milliseconds behind under load and catches up.
    /// </summary>
    /// <returns>The verdict (with <see cref="LivenessFailure.Deaf"/> and the reason) or null while it is not deaf.</returns>
    /// <remarks>
    /// A lock, not interlocked fields: with more than two connections several read loops count misses of this one at
    /// once, and the moment a run became suspect must be set by the miss that made it so and read by the later ones of
    /// the same run only (never one left from an earlier run). It is uncontended but for that.
    /// </remarks>
    public LivenessVerdict? MissedPush(int streak, TimeSpan confirmation)
    {
        if (streak <= 0)
        {
            return null;
        }

        int missed;
        TimeSpan suspected;
        lock (_streak)
        {
            missed = ++_missedPushes;
            if (missed < streak)
            {
                return null;
            }

            var now = _time.GetTimestamp();
            if (missed == streak)
            {
                _suspectedSince = now;
            }

            suspected = _time.GetElapsedTime(_suspectedSince, now);
        }

        return suspected >= confirmation
            ? Dead(LivenessFailure.Deaf, string.Create(CultureInfo.InvariantCulture,
                $"deaf: the last {missed} pushes all came on other connections (suspected after {streak}, none here for {suspected.TotalSeconds:0.0} s since)"))
            : null;
    }

    private static string Unanswered(int count, TimeSpan timeout) => count == 1
        ? string.Create(CultureInfo.InvariantCulture, $"nothing came back within {timeout.TotalSeconds:0.#} s of a ping")
        : string.Create(CultureInfo.InvariantCulture, $"{count} pings unanswered (none within {timeout.TotalSeconds:0.#} s of the last)");

    private static LivenessVerdict Dead(LivenessFailure failure, string reason) => new(failure, reason, ProbeDue: false, TimeSpan.Zero);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a == Timeout.InfiniteTimeSpan ? b : b == Timeout.InfiniteTimeSpan ? a : a < b ? a : b;
}
