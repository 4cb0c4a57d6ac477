using System.Diagnostics.Metrics;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// The Bitable syncs' instruments on the <c>Larkway</c> meter, each tagged with the sync's id: rows written each way, Open
/// API calls, rows refused, conflicts found, passes by kind and outcome, and the lag (the oldest change a pass found).
/// </summary>
internal sealed class BitableSyncTelemetry
{
    private readonly Counter<long> _rows;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _passes;
    private readonly Histogram<double> _lag;

    public BitableSyncTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _rows = meter.CreateCounter<long>("larkway.hub.bitable_sync.rows", "{row}", "Rows a sync wrote, by sync and direction (to_bitable, to_database).");
        _calls = meter.CreateCounter<long>("larkway.hub.bitable_sync.api_calls", "{call}", "Open API calls a sync made, by sync.");
        _refused = meter.CreateCounter<long>("larkway.hub.bitable_sync.refused", "{row}", "Rows a side refused (dead letters), by sync and direction.");
        _conflicts = meter.CreateCounter<long>("larkway.hub.bitable_sync.conflicts", "{row}", "Rows changed on both sides and held for review, by sync.");
        _passes = meter.CreateCounter<long>("larkway.hub.bitable_sync.passes", "{pass}", "Passes, by sync, kind (full, changes) and outcome (ok, error).");
        _lag = meter.CreateHistogram<double>(
            "larkway.hub.bitable_sync.lag", "s", "From the oldest change a pass found to the pass's start, by sync.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });
    }

    public void Passed(string syncId, string kind, bool ok, PassTally tally)
    {
        var sync = new KeyValuePair<string, object?>("sync", syncId);
        _passes.Add(1, sync, new("kind", kind), new("outcome", ok ? "ok" : "error"));
        _rows.Add(tally.ToBitable, sync, new("direction", "to_bitable"));
        _rows.Add(tally.ToDatabase, sync, new("direction", "to_database"));
        _calls.Add(tally.ApiCalls, sync);
        _conflicts.Add(tally.Held.Count, sync);
        foreach (var group in tally.Refused.GroupBy(r => r.Direction, StringComparer.Ordinal))
        {
            _refused.Add(group.Count(), sync, new("direction", group.Key));
        }

        if (tally.LagMs is { } lag)
        {
            _lag.Record(lag / 1000.0, sync);
        }
    }
}
