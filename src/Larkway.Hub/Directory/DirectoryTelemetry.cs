using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Larkway.Hub.Platform.Http;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// The directory's instruments on the <c>Larkway</c> meter: people written by a sync (by source and outcome), contact events
/// applied (by type and outcome), contact API calls, sync durations, problems found, and the time from a contact event's
/// <c>create_time</c> to the directory changed.
/// </summary>
internal sealed class DirectoryTelemetry
{
    private readonly Counter<long> _people;
    private readonly Counter<long> _events;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _problems;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _lag;

    public DirectoryTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _people = meter.CreateCounter<long>("larkway.hub.directory.people_synced", "{person}", "People a sync read, by source (full_sync, reconciliation, scope_sync) and outcome (created, updated, deactivated, unchanged).");
        _events = meter.CreateCounter<long>("larkway.hub.directory.events_applied", "{event}", "Contact events the directory handled, by event type and outcome (applied, unchanged, ignored).");
        _calls = meter.CreateCounter<long>("larkway.hub.directory.api_calls", "{call}", "Calls a sync made to the directory platform's contact API, by step.");
        _problems = meter.CreateCounter<long>("larkway.hub.directory.problems", "{problem}", "Problems syncs found (what the app cannot see), by kind.");
        _duration = meter.CreateHistogram<double>("larkway.hub.directory.sync.duration", "s", "From a sync run's start to its end, by kind and status.");
        _lag = meter.CreateHistogram<double>(
            "larkway.hub.directory.event.lag", "s", "From a contact event's create_time (Feishu's clock) to the directory changed, by event type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
    }

    public void Synced(DirectorySource source, DirectoryApplied applied, int listed)
    {
        var tag = new KeyValuePair<string, object?>("source", WireName<DirectorySource>.Of(source));
        _people.Add(applied.Created, tag, new("outcome", "created"));
        _people.Add(applied.Updated, tag, new("outcome", "updated"));
        _people.Add(applied.Deactivated, tag, new("outcome", "deactivated"));
        _people.Add(Math.Max(0, listed - applied.Changes), tag, new("outcome", "unchanged"));
    }

    public void EventApplied(string eventType, string outcome, TimeSpan? sinceCreated)
    {
        _events.Add(1, new("feishu.event_type", eventType), new("outcome", outcome));
        if (sinceCreated is { } lag && lag >= TimeSpan.Zero && outcome == "applied")
        {
            _lag.Record(lag.TotalSeconds, new KeyValuePair<string, object?>("feishu.event_type", eventType));
        }
    }

    public void Called(string step) => _calls.Add(1, new KeyValuePair<string, object?>("step", step));

    public void Problem(DirectoryProblemKind kind) => _problems.Add(1, new KeyValuePair<string, object?>("kind", WireName<DirectoryProblemKind>.Of(kind)));

    public void Finished(DirectorySyncRunRow run)
    {
        if (run.FinishedAt is { } end)
        {
            _duration.Record((end - run.StartedAt).TotalSeconds, new("kind", WireName<DirectorySyncKind>.Of(run.Kind)), new("status", WireName<DirectorySyncStatus>.Of(run.Status)));
        }
    }
}

/// <summary>
/// Holds this process's contact API calls to the directory platform's limits for the contact reads (Feishu's: 50 a second,
/// 1,000 a minute), or to <see cref="DirectoryOptions.CallsPerSecond"/> and <see cref="DirectoryOptions.CallsPerMinute"/>
/// where they are lower: sliding windows a little longer than the platform's, so no window aligned to its clock sees more.
/// The platform's own rate-limit refusal still decides across replicas: the page is put back until the reset it names.
/// </summary>
internal sealed class DirectoryPacer(IOptions<DirectoryOptions> options) : IDisposable
{
    private readonly Lock _gate = new();
    private (int Second, int Minute, SlidingWindowRateLimiter PerSecond, SlidingWindowRateLimiter PerMinute)? _windows;

    /// <summary>Waits for a permit of both windows under <paramref name="limits"/>.</summary>
    public async Task WaitAsync(DirectoryReadLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var (perSecond, perMinute) = Windows(Math.Min(options.Value.CallsPerSecond, limits.CallsPerSecond), Math.Min(options.Value.CallsPerMinute, limits.CallsPerMinute));
        using var minute = await perMinute.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        using var second = await perSecond.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _windows?.PerSecond.Dispose();
            _windows?.PerMinute.Dispose();
            _windows = null;
        }
    }

    // One pair of windows for the limits in force: the directory app's platform changes only when its setting does.
    private (SlidingWindowRateLimiter PerSecond, SlidingWindowRateLimiter PerMinute) Windows(int second, int minute)
    {
        lock (_gate)
        {
            if (_windows is not { } w || w.Second != second || w.Minute != minute)
            {
                _windows = (second, minute, new(Window(second, TimeSpan.FromSeconds(1), 10)), new(Window(minute, TimeSpan.FromMinutes(1), 60)));
            }

            return (_windows.Value.PerSecond, _windows.Value.PerMinute);
        }
    }

    // The window plus one segment: a permit is released only after more than the whole window has passed.
    private static SlidingWindowRateLimiterOptions Window(int permits, TimeSpan length, int segments) => new()
    {
        PermitLimit = permits,
        Window = length + (length / segments),
        SegmentsPerWindow = segments + 1,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };
}
