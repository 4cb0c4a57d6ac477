using System.Globalization;
using Larkway.Hub.Monitoring;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Alerts;

/// <summary>What the rules look at: the stored minutes, the queues' latest backlog, and the long connections.</summary>
/// <param name="Now">The evaluation's time.</param>
/// <param name="Minutes">Every replica's minutes covering the longest window.</param>
/// <param name="Queues">Each queue's backlog as last read, and when.</param>
internal sealed record AlertSnapshot(
    DateTimeOffset Now,
    IReadOnlyList<MetricMinuteRow> Minutes,
    IReadOnlyDictionary<string, (QueueStats Stats, DateTimeOffset At)> Queues)
{
    /// <summary>
    /// The enabled apps' long connections (Feishu's, DingTalk's Stream, WeCom's AI bot…) that no replica holds or whose holder cannot
    /// connect, with since when (the holder's mark, the lease's expiry, or the later of the evaluator's start and the app's
    /// last change when it never was held). Empty while every one is held.
    /// </summary>
    public IReadOnlyList<ConnectionDown> ConnectionsDown { get; init; } = [];

    /// <summary>
    /// By platform (of each room's <see cref="RefusedCallbacksAlert"/>), each enabled app's last burst of callbacks refused
    /// for failing verification (any age; the rule judges it by its time).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CallbackRefusals>> CallbacksRefused { get; init; } = new Dictionary<string, IReadOnlyList<CallbackRefusals>>();

    /// <summary>The last failed Open Platform call any replica recorded (kept in the database across restarts), or null.</summary>
    public (string Text, DateTimeOffset At)? LastApiFailure { get; init; }

    /// <summary>The minutes of the window ending now (the running minute included).</summary>
    public MetricTotals Window(TimeSpan window) =>
        MetricWindows.Since(Minutes, MetricRecorder.MinuteOf(Now) - window + TimeSpan.FromMinutes(1));
}

/// <summary>An app's long connection of <paramref name="Kind"/> that is not held, since <paramref name="Since"/>.</summary>
internal sealed record ConnectionDown(LongConnectionKind Kind, string App, DateTimeOffset Since);

/// <summary>A rule's outcome: whether it breaches, and what was measured (shown in the console and on the card).</summary>
internal sealed record AlertCheck(bool Breached, string Detail);

/// <summary>A rule with its settings resolved.</summary>
internal sealed record AlertRuleSettings(AlertRule Rule, bool Enabled, double Threshold, TimeSpan Window, long MinSamples)
{
    public AlertCheck Check(AlertSnapshot snapshot) => Rule.Evaluate(this, snapshot);

    /// <summary>The rule in words, with its settings, for the console.</summary>
    public string Describe() => Rule.Describe(this);
}

/// <summary>The alert rules the Hub knows. Each compares one measurement with a threshold; its defaults hold unless configured.</summary>
internal sealed class AlertRule
{
    public static readonly AlertRule TokenFetchFailures = new(
        "token_fetch_failures", "TokenFetchFailures", "Token fetch failures", "failed fetches", 1, 1, 1_000_000, TimeSpan.FromMinutes(5), hasMinSamples: false,
        s => $"{N(s.Threshold)} or more token fetches fail within {W(s.Window)}",
        (s, snap) =>
        {
            var t = snap.Window(s.Window);
            return new(t.TokenFailures >= s.Threshold, $"{N(t.TokenFailures)} of {N(t.TokenFetches)} token fetches failed in the last {W(s.Window)} (threshold {N(s.Threshold)}).");
        });

    public static readonly AlertRule ApiErrorRate = new(
        "api_error_rate", "ApiErrorRate", "Open Platform API error rate", "percent of calls", 0.5, 0, 100, TimeSpan.FromMinutes(5), hasMinSamples: true,
        s => $"more than {P(s.Threshold)} of Open Platform calls fail within {W(s.Window)} (at least {Count(s.MinSamples, "call")})",
        (s, snap) =>
        {
            var t = snap.Window(s.Window);
            var rate = t.ApiErrorPercent ?? 0;
            // Which call failed, when the last failure falls in the window: the counts alone do not say what to look at.
            var last = t.ApiErrors > 0 && snap.LastApiFailure is { } failure && failure.At >= snap.Now - s.Window ? $" Last failed: {failure.Text}." : "";
            return new(t.ApiCalls >= s.MinSamples && rate > s.Threshold,
                $"{P(rate)} of {N(t.ApiCalls)} Open Platform calls failed in the last {W(s.Window)} ({N(t.ApiErrors)} errors; threshold {P(s.Threshold)}, at least {Count(s.MinSamples, "call")}).{last}");
        },
        defaultMinSamples: 20);

    public static readonly AlertRule EventLatency = new(
        "event_latency", "EventLatency", "Event processing over threshold", "seconds, p95", 2, 0.05, 300, TimeSpan.FromMinutes(5), hasMinSamples: true,
        s => $"the p95 of event processing (Feishu push to handled) is over {Sec(s.Threshold)} within {W(s.Window)} (at least {Count(s.MinSamples, "event")})",
        (s, snap) =>
        {
            var t = snap.Window(s.Window);
            var p95 = t.LatencyP95(out var above);
            bool over;
            if (Array.IndexOf(LatencyBuckets.Bounds, s.Threshold) >= 0)
            {
                // Exact at a bucket bound: the p95 is over the threshold when fewer than 95 % are within it.
                over = t.PercentWithin(s.Threshold) is { } within && within < 95;
            }
            else
            {
                over = p95 is { } estimate && estimate > s.Threshold;
            }

            var value = p95 is { } v ? (above ? "over " : "about ") + Sec(v) : "not measured";
            return new(t.LatencyCount >= s.MinSamples && over,
                $"p95 {value} over {N(t.LatencyCount)} events in the last {W(s.Window)} (threshold {Sec(s.Threshold)}, at least {Count(s.MinSamples, "event")}).");
        },
        defaultMinSamples: 20);

    public static readonly AlertRule DeadLetters = new(
        "dead_letters", "DeadLetters", "Dead letters", "items", 1, 1, 1_000_000, TimeSpan.FromMinutes(15), hasMinSamples: false,
        s => $"{N(s.Threshold)} or more items are dead-lettered within {W(s.Window)}",
        (s, snap) =>
        {
            var t = snap.Window(s.Window);
            var waiting = string.Join(", ", snap.Queues.OrderBy(q => q.Key, StringComparer.Ordinal).Where(q => q.Value.Stats.DeadLetters > 0)
                .Select(q => $"{q.Key} {N(q.Value.Stats.DeadLetters)}"));
            return new(t.DeadLetters >= s.Threshold,
                $"{N(t.DeadLetters)} items dead-lettered in the last {W(s.Window)} (threshold {N(s.Threshold)}). Dead letters waiting for a replay: {(waiting.Length == 0 ? "none" : waiting)}.");
        });

    public static readonly AlertRule QueueAge = new(
        "queue_age", "QueueAge", "A queue is stuck", "minutes", 10, 0.1, 10_080, null, hasMinSamples: false,
        s => $"a queue's oldest due item has waited longer than {Min(s.Threshold)}",
        (s, snap) =>
        {
            var limit = TimeSpan.FromMinutes(s.Threshold);
            var stuck = snap.Queues
                .Where(q => q.Value.Stats.OldestDueAt is { } due && snap.Now - due > limit)
                .OrderBy(q => q.Key, StringComparer.Ordinal)
                .Select(q => $"{q.Key} (oldest due item waiting {W(snap.Now - q.Value.Stats.OldestDueAt!.Value)}, {N(q.Value.Stats.Waiting)} waiting)")
                .ToList();
            return new(stuck.Count > 0, stuck.Count > 0
                ? $"Stuck longer than {Min(s.Threshold)}: {string.Join("; ", stuck)}."
                : $"No queue has a due item older than {Min(s.Threshold)}.");
        });

    /// <summary>
    /// "Callbacks refused", for one room's callbacks (its <see cref="RefusedCallbacksAlert"/>): breaches while an enabled
    /// app's last burst of callbacks refused for failing verification reaches the threshold and ended within the window,
    /// naming each such app with the reason explained.
    /// </summary>
    internal static AlertRule CallbacksRefused(RefusedCallbacksAlert alert) => new(
        alert.Name, alert.ConfigName, alert.Title, "refused callbacks", 3, 1, 1_000_000, TimeSpan.FromMinutes(5), hasMinSamples: false,
        s => $"{N(s.Threshold)} or more callbacks to one {alert.PlatformName} app fail verification ({alert.Checks}) in a burst, the last within {W(s.Window)}",
        (s, snap) =>
        {
            var recent = snap.CallbacksRefused.GetValueOrDefault(alert.Platform, []).Where(r => snap.Now - r.Last <= s.Window).ToList();
            var breaching = recent.Where(r => r.Count >= s.Threshold)
                .Select(r => $"{r.App}: {N(r.Count)} since {U(r.First)}, the last at {U(r.Last)} ({r.Reason}: {alert.Explain(r.Reason)})")
                .ToList();
            return new(breaching.Count > 0, breaching.Count > 0
                ? $"{alert.PlatformName} callbacks refused — {string.Join("; ", breaching)} (threshold {N(s.Threshold)}). {alert.Remedy}"
                : recent.Count > 0
                    ? $"Fewer than {N(s.Threshold)} refused callbacks for each {alert.PlatformName} app in the last {W(s.Window)} ({string.Join(", ", recent.Select(r => $"{r.App} {N(r.Count)}"))})."
                    : $"No callback to a {alert.PlatformName} app was refused in the last {W(s.Window)}.");
        });

    /// <summary>
    /// "A long connection is not held", for one kind of long connection (a room's <see cref="LongConnectionAlert"/>):
    /// breaches while an enabled app's connection has been down (no replica holds it, or the holder cannot connect) for
    /// the threshold, naming each such app.
    /// </summary>
    internal static AlertRule ConnectionNotHeld(LongConnectionAlert alert) => ConnectionNotHeld(alert.Name, alert.ConfigName, alert.Title, alert.Kind);

    private static AlertRule ConnectionNotHeld(string name, string configName, string title, LongConnectionKind kind) => new(
        name, configName, title, "minutes", 2, 0.1, 1440, null, hasMinSamples: false,
        s => $"an enabled {kind.Platform} app has had no open {kind.Noun} (no replica holds it, or the holder cannot connect) for {Min(s.Threshold)}",
        (s, snap) =>
        {
            var limit = TimeSpan.FromMinutes(s.Threshold);
            var mine = snap.ConnectionsDown.Where(d => d.Kind == kind).ToList();
            var down = mine.Where(d => snap.Now - d.Since >= limit).OrderBy(d => d.App, StringComparer.Ordinal)
                .Select(d => $"{d.App} (since {U(d.Since)}, {W(snap.Now - d.Since)})")
                .ToList();
            return new(down.Count > 0, down.Count > 0
                ? $"No open {kind.Noun} for {string.Join("; ", down)} (threshold {Min(s.Threshold)}): {kind.Consequence}"
                : mine.Count > 0
                    ? $"Every {kind.Platform} app's {kind.Noun} is held or down for less than {Min(s.Threshold)}."
                    : $"Every enabled {kind.Platform} app's {kind.Noun} is held (or there is none).");
        });

    /// <summary>
    /// A room's rule over what it stores (<see cref="IRoomAlert"/>): the evaluator asks the room
    /// (<see cref="IRoomAlert.CheckAsync"/>) instead of reading the snapshot.
    /// </summary>
    internal static AlertRule OfRoom(IRoomAlert alert) => new(
        alert.Name, alert.ConfigName, alert.Title, alert.ThresholdUnit, alert.DefaultThreshold, alert.MinThreshold, alert.MaxThreshold, alert.DefaultWindow,
        hasMinSamples: false, alert.Describe,
        (_, _) => throw new InvalidOperationException($"The rule {alert.Name} is checked by its room (IRoomAlert.CheckAsync), not over the snapshot."))
    {
        Room = alert,
    };

    private readonly Func<AlertRuleSettings, AlertSnapshot, AlertCheck> _evaluate;
    private readonly Func<AlertRuleSettings, string> _describe;

    private AlertRule(
        string name, string configName, string title, string thresholdUnit, double defaultThreshold, double minThreshold, double maxThreshold, TimeSpan? defaultWindow,
        bool hasMinSamples, Func<AlertRuleSettings, string> describe, Func<AlertRuleSettings, AlertSnapshot, AlertCheck> evaluate, long defaultMinSamples = 1)

    {
        Name = name;
        ConfigName = configName;
        Title = title;
        ThresholdUnit = thresholdUnit;
        DefaultThreshold = defaultThreshold;
        MinThreshold = minThreshold;
        MaxThreshold = maxThreshold;
        HasWindow = defaultWindow is not null;
        DefaultWindow = defaultWindow ?? TimeSpan.Zero;
        HasMinSamples = hasMinSamples;
        DefaultMinSamples = defaultMinSamples;
        _describe = describe;
        _evaluate = evaluate;
    }

    /// <summary>The rules every Hub has, before the rooms' rules (long connections, then refused callbacks), in the console's order.</summary>
    internal static IReadOnlyList<AlertRule> Leading => [TokenFetchFailures, ApiErrorRate, EventLatency, DeadLetters, QueueAge];

    /// <summary>The name stored and shown, e.g. <c>api_error_rate</c>.</summary>
    public string Name { get; }

    /// <summary>The room that checks the rule (<see cref="OfRoom"/>); null for a rule over the snapshot.</summary>
    public IRoomAlert? Room { get; private init; }

    /// <summary>The key under <c>Larkway:Alerts:Rules</c>, e.g. <c>ApiErrorRate</c>.</summary>
    public string ConfigName { get; }

    public string Title { get; }

    public string ThresholdUnit { get; }

    public double DefaultThreshold { get; }

    public double MinThreshold { get; }

    public double MaxThreshold { get; }

    public bool HasWindow { get; }

    public TimeSpan DefaultWindow { get; }

    public bool HasMinSamples { get; }

    public long DefaultMinSamples { get; }

    public AlertCheck Evaluate(AlertRuleSettings settings, AlertSnapshot snapshot) => _evaluate(settings, snapshot);

    public string Describe(AlertRuleSettings settings) => _describe(settings);

    private static string N(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string Count(double value, string noun) => N(value) + " " + noun + (value == 1 ? "" : "s");

    private static string P(double value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " %";

    private static string Sec(double value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " s";

    private static string Min(double minutes) => W(TimeSpan.FromMinutes(minutes));

    private static string U(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);

    /// <summary>A duration in words: 90 s, 5 min, 2 h 30 min.</summary>
    internal static string W(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(2))
        {
            return Math.Round(span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s";
        }

        if (span < TimeSpan.FromHours(2))
        {
            return Math.Round(span.TotalMinutes).ToString("0", CultureInfo.InvariantCulture) + " min";
        }

        var minutes = (int)Math.Round(span.TotalMinutes) % 60;
        return ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + " h" + (minutes > 0 ? $" {minutes} min" : "");
    }
}
