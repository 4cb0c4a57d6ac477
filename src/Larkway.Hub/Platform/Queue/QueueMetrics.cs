using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The queues' instruments on the <c>Larkway</c> meter: attempts by queue and outcome with their duration, and each
/// queue's backlog (waiting, in progress, dead letters) and the age of its oldest due item, as last sampled.
/// </summary>
public sealed class QueueMetrics
{
    /// <summary>The meter's name, shared by the Hub and its libraries.</summary>
    public const string MeterName = "Larkway";

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly ConcurrentDictionary<string, (QueueStats Stats, DateTimeOffset At)> _stats = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public QueueMetrics(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("larkway.queue.attempts", "{attempt}", "Attempts at queued work, by queue and outcome (done, retry, dead_letter, defer, lease_lost).");
        _duration = meter.CreateHistogram<double>("larkway.queue.attempt.duration", "s", "Time from claim to recorded outcome of one attempt, by queue.");
        meter.CreateObservableGauge("larkway.queue.depth", ObserveDepth, "{item}", "Items per queue and state (waiting: pending or retrying; in_progress; dead_letter), as last sampled.");
        meter.CreateObservableGauge("larkway.queue.oldest_due.age", ObserveAge, "s", "How long the oldest due item of each queue has waited, as last sampled (0 when none is due).");
    }

    /// <summary>Counts an attempt; a null outcome is one whose lease was lost before it was recorded.</summary>
    public void Attempted(string queue, WorkOutcomeKind? outcome, TimeSpan duration)
    {
        var tags = new KeyValuePair<string, object?>[]
        {
            new("queue", queue),
            new("outcome", outcome is { } kind ? WireName<WorkOutcomeKind>.Of(kind) : "lease_lost"),
        };
        _attempts.Add(1, tags);
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("queue", queue));
    }

    /// <summary>Keeps a queue's latest backlog for the gauges and the health check.</summary>
    public void Sampled(string queue, QueueStats stats) => _stats[queue] = (stats, _time.GetUtcNow());

    /// <summary>Every queue's latest backlog and when it was read.</summary>
    public IReadOnlyDictionary<string, (QueueStats Stats, DateTimeOffset At)> Latest => _stats;

    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        foreach (var (queue, (stats, _)) in _stats)
        {
            yield return new(stats.Waiting, new("queue", queue), new("state", "waiting"));
            yield return new(stats.InProgress, new("queue", queue), new("state", "in_progress"));
            yield return new(stats.DeadLetters, new("queue", queue), new("state", "dead_letter"));
        }
    }

    private IEnumerable<Measurement<double>> ObserveAge()
    {
        foreach (var (queue, (stats, at)) in _stats)
        {
            var age = stats.OldestDueAt is { } due && at > due ? (at - due).TotalSeconds : 0;
            yield return new(age, new KeyValuePair<string, object?>("queue", queue));
        }
    }
}
