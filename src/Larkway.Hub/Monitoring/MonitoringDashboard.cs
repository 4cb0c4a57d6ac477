using System.Globalization;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Monitoring;

/// <summary>How a success metric stands over a window.</summary>
public enum MetricStatus
{
    /// <summary>Within its target.</summary>
    Met,

    /// <summary>Outside its target: highlighted.</summary>
    Breached,

    /// <summary>Nothing to measure in the window (no calls, no events).</summary>
    NoData,

    /// <summary>Measured, but on fewer samples than <see cref="DashboardTargets.MinSamples"/>: shown, not judged.</summary>
    TooFewSamples,

    /// <summary>The feature it measures is not there yet.</summary>
    NotApplicable,
}

/// <summary>One success metric over one window: its status and the figures behind it, as a sentence.</summary>
public sealed record MetricReading(MetricStatus Status, string Value, string Detail);

/// <summary>A success metric of the seed with its target, read over the last hour and the last 24 hours.</summary>
public sealed record SuccessMetric(string Key, string Name, string Target, MetricReading Hour, MetricReading Day);

/// <summary>The dashboard's charts: the last hour by minute, or the last 24 hours by 15 minutes.</summary>
public enum DashboardRange
{
    Hour,
    Day,
}

/// <summary>A sync that can lose data (the directory's): whether it did, since a time, for the dashboard's "Data lost in sync".</summary>
internal interface ISyncLossSource
{
    /// <summary>The reading over the runs that ended since <paramref name="since"/>.</summary>
    Task<MetricReading> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>Everything the dashboard shows.</summary>
public sealed record DashboardView(
    DateTimeOffset At,
    DashboardRange Range,
    IReadOnlyList<SuccessMetric> Metrics,
    MetricTotals Hour,
    MetricTotals Day,
    IReadOnlyList<(ChartSpec Chart, string Latest, string Peak)> Charts);

/// <summary>
/// Reads the success metrics the seed names — API success above 99.5 %, event processing under 2 s (p95), token cache hits
/// above 95 %, card rendering 100 %, no data lost in sync; targets from <see cref="DashboardTargets"/> — over the last hour
/// and day, and the four charts, from <c>hub_metric_minutes</c> (this replica's running minute written first).
/// </summary>
internal sealed class MonitoringDashboard(MetricRecorder recorder, MetricStore store, IOptions<MonitoringOptions> options, TimeProvider time, ISyncLossSource? syncs = null)
{
    private const double CardSuccessTarget = 100;

    private readonly DashboardTargets _targets = options.Value.Targets;

    public async Task<DashboardView> ReadAsync(DashboardRange range, CancellationToken cancellationToken)
    {
        await recorder.FlushAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var minute = MetricRecorder.MinuteOf(now);
        var rows = await store.ReadAsync(minute - TimeSpan.FromMinutes((24 * 60) - 1), cancellationToken).ConfigureAwait(false);
        var hour = MetricWindows.Since(rows, minute - TimeSpan.FromMinutes(59));
        var day = MetricTotals.Of(rows);
        var metrics = Metrics(_targets, hour, day);
        if (syncs is not null)
        {
            // The directory's sync is the sync this Hub has: its readings replace "not yet applicable".
            var loss = new SuccessMetric("sync-loss", "Data lost in sync", "none",
                await syncs.ReadAsync(now - TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false),
                await syncs.ReadAsync(now - TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false));
            metrics = [.. metrics.Select(m => m.Key == loss.Key ? loss : m)];
        }

        var (step, count, label) = range == DashboardRange.Hour ? (TimeSpan.FromMinutes(1), 60, "per minute over the last hour") : (TimeSpan.FromMinutes(15), 96, "per 15 minutes over the last 24 hours");
        var series = MetricWindows.Series(rows, now, step, count);
        return new DashboardView(now, range, metrics, hour, day, Charts(_targets, series, step, label));
    }

    /// <summary>The success metrics over the two windows.</summary>
    internal static IReadOnlyList<SuccessMetric> Metrics(DashboardTargets targets, MetricTotals hour, MetricTotals day) =>
    [
        new("api-success", "API call success", $"above {Pct(targets.ApiSuccessPercent)}", ApiSuccess(targets, hour), ApiSuccess(targets, day)),
        new("event-latency", "Event processing (p95, Feishu push to handled)", $"under {targets.EventLatencySeconds.ToString(CultureInfo.InvariantCulture)} s", EventLatency(targets, hour), EventLatency(targets, day)),
        new("token-hits", "Token cache hit rate", $"above {Pct(targets.TokenHitPercent)}", TokenHits(targets, hour), TokenHits(targets, day)),
        new("card-rendering", "Card rendering success", Pct(CardSuccessTarget), Cards(hour), Cards(day)),
        new("sync-loss", "Data lost in sync", "none", NoSync(), NoSync()),
    ];

    private static MetricReading ApiSuccess(DashboardTargets targets, MetricTotals t) => t.ApiSuccessPercent is { } p
        ? Judged(targets, t.ApiCalls, p > targets.ApiSuccessPercent, Pct(p), $"{N(t.ApiCalls - t.ApiErrors)} of {N(t.ApiCalls)} calls succeeded")
        : new(MetricStatus.NoData, "—", "no Open Platform calls");

    private static MetricReading EventLatency(DashboardTargets targets, MetricTotals t)
    {
        if (t.LatencyCount == 0)
        {
            return new(MetricStatus.NoData, "—", "no events handled");
        }

        // p95 within the target is the same as at least 95 % within it, which the buckets know exactly (it is a bound).
        var limit = targets.EventLatencySeconds;
        var within = t.PercentWithin(limit)!.Value;
        var p95 = t.LatencyP95(out var above)!.Value;
        var value = (above ? "over " : "≈ ") + SvgChart.Label(p95, " s");
        return Judged(targets, t.LatencyCount, within >= 95, value, $"{Pct(within)} of {N(t.LatencyCount)} events within {limit.ToString(CultureInfo.InvariantCulture)} s");
    }

    private static MetricReading TokenHits(DashboardTargets targets, MetricTotals t) => t.TokenHitPercent is { } p
        ? Judged(targets, t.TokenLookups, p > targets.TokenHitPercent, Pct(p), $"{N(t.TokenHits)} of {N(t.TokenLookups)} look-ups; {N(t.TokenFetches)} fetches, {N(t.TokenFailures)} failed")
        : new(MetricStatus.NoData, "—", "no token look-ups");

    private static MetricReading Cards(MetricTotals t) => t.CardSuccessPercent is { } p
        ? new(t.CardsFailed == 0 ? MetricStatus.Met : MetricStatus.Breached, Pct(p), $"{N(t.CardsRendered)} rendered, {N(t.CardsFailed)} failed")
        : new(MetricStatus.NoData, "—", "no cards rendered from templates");

    /// <summary>A rate over <paramref name="samples"/>: judged against its target only once there are enough of them.</summary>
    private static MetricReading Judged(DashboardTargets targets, long samples, bool met, string value, string detail) =>
        samples < targets.MinSamples
            ? new(MetricStatus.TooFewSamples, value, $"{detail} (too few to judge: fewer than {N(targets.MinSamples)})")
            : new(met ? MetricStatus.Met : MetricStatus.Breached, value, detail);

    private static MetricReading NoSync() =>
        new(MetricStatus.NotApplicable, "not yet applicable", "no Bitable sync is configured on this Hub (the sync is not built yet), so nothing can be lost");

    private static IReadOnlyList<(ChartSpec, string, string)> Charts(DashboardTargets targets, IReadOnlyList<MetricPoint> series, TimeSpan step, string over)
    {
        var minutes = step.TotalMinutes;
        // A step no replica wrote (the Hub was not running) is a gap, not a zero.
        var events = series.Select(p => (p.Start, p.Totals.Rows == 0 ? null : (double?)(p.Totals.EventsHandled / minutes))).ToList();
        var errors = series.Select(p => (p.Start, p.Totals.ApiErrorPercent)).ToList();
        var latency = series.Select(p => (p.Start, p.Totals.LatencyP95(out _))).ToList();
        var depth = series.Select(p => (p.Start, p.Totals.Rows == 0 ? null : (double?)p.Totals.QueueWaitingMax)).ToList();
        return
        [
            Chart("chart-events", "Events handled per minute", over, "", events, null),
            Chart("chart-api-errors", "Open Platform API error rate", over, "%", errors, 100 - targets.ApiSuccessPercent),
            Chart("chart-latency", "Event processing latency, p95", over, " s", latency, targets.EventLatencySeconds),
            Chart("chart-queue-depth", "Queue backlog (items due, all queues)", over, "", depth, null),
        ];
    }

    private static (ChartSpec, string, string) Chart(string id, string title, string over, string unit, List<(DateTimeOffset, double?)> points, double? threshold)
    {
        var measured = points.Where(p => p.Item2 is not null).Select(p => p.Item2!.Value).ToList();
        var latest = points.LastOrDefault(p => p.Item2 is not null).Item2 is { } l ? SvgChart.Label(l, unit) : "—";
        var peak = measured.Count > 0 ? SvgChart.Label(measured.Max(), unit) : "—";
        var breaches = threshold is { } t ? measured.Count(v => v > t) : 0;
        var description = measured.Count == 0
            ? $"{title} {over}: nothing measured."
            : $"{title} {over}: latest {latest}, peak {peak}"
                + (threshold is { } th ? $", threshold {SvgChart.Label(th, unit)}, {breaches} point(s) over it." : ".");
        return (new ChartSpec(id, title, description, unit, points, threshold), latest, peak);
    }

    private static string Pct(double value) => value.ToString(value is >= 99 and < 100 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " %";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
