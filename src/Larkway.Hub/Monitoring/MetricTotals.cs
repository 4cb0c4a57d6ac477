namespace Larkway.Hub.Monitoring;

/// <summary>
/// Measurements over a window, summed across replicas and minutes (the queue backlog: the most seen), with the success
/// metrics read from them. A rate is null when there was nothing to measure.
/// </summary>
public sealed class MetricTotals
{
    /// <summary>Rows added: 0 when no replica was running (or writing) in the window.</summary>
    public int Rows { get; private set; }

    public long ApiCalls { get; private set; }

    public long ApiErrors { get; private set; }

    public long TokenLookups { get; private set; }

    public long TokenHits { get; private set; }

    public long TokenFetches { get; private set; }

    public long TokenFailures { get; private set; }

    public long EventsHandled { get; private set; }

    public long CardsRendered { get; private set; }

    public long CardsFailed { get; private set; }

    public long DeadLetters { get; private set; }

    public long QueueWaitingMax { get; private set; }

    public double QueueOldestSecondsMax { get; private set; }

    /// <summary>Event latencies per <see cref="LatencyBuckets"/> bucket.</summary>
    public IReadOnlyList<long> Latency => _latency;

    /// <summary>Events with a measured latency.</summary>
    public long LatencyCount => _latency.Sum();

    /// <summary>Percent of calls that ended with code 0.</summary>
    public double? ApiSuccessPercent => ApiCalls == 0 ? null : 100.0 * (ApiCalls - ApiErrors) / ApiCalls;

    /// <summary>Percent of calls that ended with another code.</summary>
    public double? ApiErrorPercent => ApiCalls == 0 ? null : 100.0 * ApiErrors / ApiCalls;

    /// <summary>Percent of token look-ups that found a fresh token.</summary>
    public double? TokenHitPercent => TokenLookups == 0 ? null : 100.0 * TokenHits / TokenLookups;

    /// <summary>Percent of cards that rendered valid.</summary>
    public double? CardSuccessPercent => CardsRendered + CardsFailed == 0 ? null : 100.0 * CardsRendered / (CardsRendered + CardsFailed);

    /// <summary>Percent of events handled within <paramref name="seconds"/> (a <see cref="LatencyBuckets"/> bound) of their creation.</summary>
    public double? PercentWithin(double seconds) => LatencyCount == 0 ? null : 100.0 * LatencyBuckets.CountWithin(_latency, seconds) / LatencyCount;

    /// <summary>The 95th percentile of event latency, estimated from the buckets; <paramref name="above"/> when it is past the last bound.</summary>
    public double? LatencyP95(out bool above) => LatencyBuckets.Quantile(_latency, 0.95, out above);

    private readonly long[] _latency = new long[LatencyBuckets.Count];

    /// <summary>The rows' sum (counters) and maximum (backlog).</summary>
    public static MetricTotals Of(IEnumerable<MetricMinuteRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var totals = new MetricTotals();
        foreach (var row in rows)
        {
            totals.Add(row);
        }

        return totals;
    }

    public void Add(MetricMinuteRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Rows++;
        ApiCalls += row.ApiCalls;
        ApiErrors += row.ApiErrors;
        TokenLookups += row.TokenLookups;
        TokenHits += row.TokenHits;
        TokenFetches += row.TokenFetches;
        TokenFailures += row.TokenFailures;
        EventsHandled += row.EventsHandled;
        CardsRendered += row.CardsRendered;
        CardsFailed += row.CardsFailed;
        DeadLetters += row.DeadLetters;
        QueueWaitingMax = Math.Max(QueueWaitingMax, row.QueueWaiting);
        QueueOldestSecondsMax = Math.Max(QueueOldestSecondsMax, row.QueueOldestSeconds);
        LatencyBuckets.AddParsed(row.EventLatency, _latency);
    }
}

/// <summary>One step of a chart: its start and what was measured in it.</summary>
public sealed record MetricPoint(DateTimeOffset Start, MetricTotals Totals);

/// <summary>Cuts stored minutes into windows and steps.</summary>
public static class MetricWindows
{
    /// <summary>The rows of minutes at or after <paramref name="from"/>.</summary>
    public static MetricTotals Since(IEnumerable<MetricMinuteRow> rows, DateTimeOffset from) =>
        MetricTotals.Of(rows.Where(r => r.Minute >= from));

    /// <summary>
    /// <paramref name="count"/> steps of <paramref name="step"/> ending with the one that holds <paramref name="now"/>'s
    /// minute; steps with no rows have empty totals.
    /// </summary>
    public static IReadOnlyList<MetricPoint> Series(IEnumerable<MetricMinuteRow> rows, DateTimeOffset now, TimeSpan step, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var lastMinute = MetricRecorder.MinuteOf(now);
        var stepMinutes = Math.Max(1, (long)step.TotalMinutes);
        var first = lastMinute - TimeSpan.FromMinutes((stepMinutes * count) - 1);
        var points = new MetricPoint[count];
        for (var i = 0; i < count; i++)
        {
            points[i] = new MetricPoint(first + TimeSpan.FromMinutes(stepMinutes * i), new MetricTotals());
        }

        foreach (var row in rows)
        {
            if (row.Minute < first || row.Minute > lastMinute)
            {
                continue;
            }

            var index = (int)((row.Minute - first).Ticks / TimeSpan.TicksPerMinute / stepMinutes);
            points[index].Totals.Add(row);
        }

        return points;
    }
}
