using System.Diagnostics.Metrics;
using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Monitoring;

/// <summary>
/// Listens to the <c>Larkway</c> meter of this Hub and counts, per minute, what the dashboard and the alerts need: Open
/// Platform calls and their errors (Feishu's, and those of each platform whose room registers its <see cref="PlatformCallInstruments"/>), token cache
/// look-ups and fetches, events handled and their latency, cards rendered, dead letters, and the callbacks a room refused per app
/// (<see cref="RefusedCallbacksInstrument"/>). <see cref="FlushAsync"/> writes the running and recently ended minutes to <c>hub_metric_minutes</c>,
/// together with the queues' backlog, so that the figures survive a restart and add up across replicas.
/// </summary>
/// <remarks>
/// The measurement callbacks are on the hot paths (the inbox records thousands of events a second): each is a switch on
/// a per-instrument state set once, a look at the tags, and <see cref="Interlocked"/> adds into the current minute's
/// bucket. Only the first measurement of a new minute takes a lock, to start the next bucket.
/// </remarks>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meterFactory;
    private readonly QueueMetrics _queues;
    private readonly MetricStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _roll = new();
    private readonly List<MinuteBucket> _ended = [];
    private readonly SemaphoreSlim _flush = new(1, 1);
    private volatile MinuteBucket _current;
    private volatile ApiFailure? _lastFailure;

    // Callbacks that failed verification since the last flush, per platform and app (refusals are rare: a dictionary is fine).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Platform, string App), RefusalTally> _refusals = new();

    // The rooms' instruments by name, each with the state its measurements are counted by (a PlatformCalls, PlatformTokens or RefusedCallbacksInstrument).
    private readonly Dictionary<string, object> _roomInstruments = new(StringComparer.Ordinal);
    private ApiFailure? _savedFailure;

    /// <param name="meterFactory">This Hub's meters.</param>
    /// <param name="queues">The queues' backlog.</param>
    /// <param name="store">Where the minutes go.</param>
    /// <param name="time">The clock.</param>
    /// <param name="refused">The rooms' refused callbacks, as each counts them.</param>
    /// <param name="platforms">The rooms' clients' call and token instruments.</param>
    public MetricRecorder(
        IMeterFactory meterFactory, QueueMetrics queues, MetricStore store, TimeProvider time,
        IEnumerable<RefusedCallbacksInstrument>? refused = null, IEnumerable<PlatformCallInstruments>? platforms = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        foreach (var platform in platforms ?? [])
        {
            _roomInstruments.TryAdd(platform.Calls, new PlatformCalls(platform));
            _roomInstruments.TryAdd(platform.TokenRequests, new PlatformTokens(platform));
        }

        foreach (var instrument in refused ?? [])
        {
            _roomInstruments.TryAdd(instrument.InstrumentName, instrument);
        }

        _meterFactory = meterFactory;
        _queues = queues;
        _store = store;
        _time = time;
        _current = new MinuteBucket(MinuteOf(time.GetUtcNow()));
        Replica = ReplicaName();
        _listener.InstrumentPublished = Publish;
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnLong(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    private enum Kind
    {
        Calls,
        TokenLookups,
        TokenRequests,
        TokenFailures,
        InboxHandled,
        EventLatency,
        CardsRendered,
        QueueAttempts,
    }

    /// <summary>This replica's name in <c>hub_metric_minutes</c>.</summary>
    public string Replica { get; }

    /// <summary>The start of the minute <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>
    /// Writes the running minute and the minutes that ended since the last write (each ended minute twice, so adds that
    /// raced with the first write are kept). Serialised: the flusher, the dashboard and the alert evaluator may call it at once.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = CurrentBucket();
            SampleQueues(current);
            List<MinuteBucket> buckets;
            lock (_roll)
            {
                buckets = [.. _ended, current];
            }

            await _store.UpsertAsync([.. buckets.Select(b => b.Snapshot(Replica))], cancellationToken).ConfigureAwait(false);

            // Which call failed last, stored beside the counts: an alert opened after a restart still names it.
            if (_lastFailure is { } failure && !ReferenceEquals(failure, _savedFailure))
            {
                await _store.SaveLastApiFailureAsync(failure, cancellationToken).ConfigureAwait(false);
                _savedFailure = failure;
            }
            // The refused callbacks per platform and app, added to what every replica recorded (the alerts and readiness read them).
            foreach (var key in _refusals.Keys)
            {
                if (_refusals.TryRemove(key, out var tally))
                {
                    await _store.AddRefusalsAsync(key.Platform, key.App, tally, cancellationToken).ConfigureAwait(false);
                }
            }

            lock (_roll)
            {
                foreach (var ended in _ended)
                {
                    ended.FlushesAfterEnd++;
                }

                _ended.RemoveAll(b => b.FlushesAfterEnd >= 2);
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _flush.Dispose();
    }

    private void Publish(Instrument instrument, MeterListener listener)
    {
        // The Hub's own meters: its container's, which the clients of stored apps share too. Another container's in the
        // same process (the sandbox's embedded Emulator, other Hubs in a test run) and standalone clients (an app's
        // connection test) are left out.
        if (instrument.Meter.Name != QueueMetrics.MeterName || !ReferenceEquals(instrument.Meter.Scope, _meterFactory))
        {
            return;
        }

        if (_roomInstruments.TryGetValue(instrument.Name, out var room))
        {
            listener.EnableMeasurementEvents(instrument, room);
            return;
        }

        Kind? kind = instrument.Name switch
        {
            "larkway.feishu.calls" => Kind.Calls,
            "larkway.feishu.token.cache.lookups" => Kind.TokenLookups,
            "larkway.feishu.token.requests" => Kind.TokenRequests,
            "larkway.feishu.token.failures" => Kind.TokenFailures,
            "larkway.hub.inbox.handled" => Kind.InboxHandled,
            "larkway.hub.event.latency" => Kind.EventLatency,
            "larkway.hub.cards.rendered" => Kind.CardsRendered,
            "larkway.queue.attempts" => Kind.QueueAttempts,
            _ => null,
        };
        if (kind is { } k)
        {
            listener.EnableMeasurementEvents(instrument, k);
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is not Kind kind)
        {
            OnRoomLong(value, tags, state);
            return;
        }

        var bucket = CurrentBucket();
        switch (kind)
        {
            case Kind.Calls:
                // A call cancelled by its caller ended without a code: neither a success nor an API error.
                var code = Tag(tags, "feishu.code");
                if (code is int or long)
                {
                    Interlocked.Add(ref bucket.ApiCalls, value);
                    if (code is not (0 or 0L))
                    {
                        Interlocked.Add(ref bucket.ApiErrors, value);

                        // Errors only (rare next to the calls): the one allocation on this path.
                        _lastFailure = new ApiFailure(_time.GetUtcNow(), Tag(tags, "feishu.app_id") as string, Tag(tags, "http.request.method") as string,
                            Tag(tags, "url.template") as string, Convert.ToString(code, System.Globalization.CultureInfo.InvariantCulture)!, Tag(tags, "error.type") as string);
                    }
                }

                break;
            case Kind.TokenLookups:
                Interlocked.Add(ref bucket.TokenLookups, value);
                if (Tag(tags, "feishu.token.cache.result") is "hit")
                {
                    Interlocked.Add(ref bucket.TokenHits, value);
                }

                break;
            case Kind.TokenRequests:
                Interlocked.Add(ref bucket.TokenFetches, value);
                break;
            case Kind.TokenFailures:
                Interlocked.Add(ref bucket.TokenFailures, value);
                break;
            case Kind.InboxHandled:
                Interlocked.Add(ref bucket.EventsHandled, value);
                break;
            case Kind.CardsRendered:
                if (Tag(tags, "outcome") is "failed")
                {
                    Interlocked.Add(ref bucket.CardsFailed, value);
                }
                else
                {
                    Interlocked.Add(ref bucket.CardsRendered, value);
                }

                break;
            case Kind.QueueAttempts:
                if (Tag(tags, "outcome") is "dead_letter")
                {
                    Interlocked.Add(ref bucket.DeadLetters, value);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>A measurement of a room's instrument: its calls, token fetches or refused callbacks.</summary>
    private void OnRoomLong(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (state)
        {
            case PlatformCalls { Instruments: var platform }:
                // The platform's code as a string ("0" for success); a call without one ended before the platform answered
                // (cancelled, or the network), as for Feishu. Counted with the other platforms' calls.
                if (Tag(tags, platform.CodeTag) is string code)
                {
                    var bucket = CurrentBucket();
                    Interlocked.Add(ref bucket.ApiCalls, value);
                    if (code != "0")
                    {
                        Interlocked.Add(ref bucket.ApiErrors, value);
                        _lastFailure = new ApiFailure(_time.GetUtcNow(), Tag(tags, platform.AppTag) as string, Tag(tags, "http.request.method") as string,
                            Tag(tags, "url.template") as string, code, Tag(tags, "error.type") as string);
                    }
                }

                break;
            case PlatformTokens { Instruments: var platform }:
                var tokens = CurrentBucket();
                Interlocked.Add(ref tokens.TokenFetches, value);
                if (Tag(tags, platform.TokenOutcomeTag) is not "success")
                {
                    Interlocked.Add(ref tokens.TokenFailures, value);
                }

                break;
            case RefusedCallbacksInstrument refused:
                if ((refused.OutcomeTag is null || Tag(tags, refused.OutcomeTag) is "refused")
                    && Tag(tags, "error.type") is string reason && refused.IsVerificationFailure(reason)
                    && (Tag(tags, refused.AppTag) is string { Length: > 0 } named ? named : refused.UnnamedApp) is { } app)
                {
                    var now = _time.GetUtcNow();
                    _refusals.AddOrUpdate((refused.Platform, app), _ => new RefusalTally(value, reason, now, now), (_, t) => t with { Count = t.Count + value, Reason = reason, Last = now });
                }

                break;
            default:
                break;
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is Kind.EventLatency && value >= 0 && !double.IsNaN(value))
        {
            Interlocked.Increment(ref CurrentBucket().Latency[LatencyBuckets.IndexOf(value)]);
        }
    }

    private static object? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, key, StringComparison.Ordinal))
            {
                return tag.Value;
            }
        }

        return null;
    }

    private MinuteBucket CurrentBucket()
    {
        var bucket = _current;
        var minute = MinuteOf(_time.GetUtcNow());
        if (bucket.Minute >= minute)
        {
            // The same minute (or the clock went back a little: keep counting into the newest one).
            return bucket;
        }

        lock (_roll)
        {
            if (_current.Minute < minute)
            {
                _ended.Add(_current);
                _current = new MinuteBucket(minute);
            }

            return _current;
        }
    }

    /// <summary>
    /// The queues' backlog as last read by the queue monitor: the most items due (not those scheduled for later, such as a
    /// paused Bitable sync's pass parked until it is resumed, which showed a backlog of 1 on an idle sandbox) and the oldest wait seen this minute.
    /// </summary>
    private void SampleQueues(MinuteBucket bucket)
    {
        long waiting = 0;
        double oldest = 0;
        foreach (var (_, (stats, at)) in _queues.Latest)
        {
            waiting += stats.Due;
            if (stats.OldestDueAt is { } due && at > due)
            {
                oldest = Math.Max(oldest, (at - due).TotalSeconds);
            }
        }

        if (_queues.Latest.Count == 0)
        {
            return;
        }

        bucket.QueueWaiting = Math.Max(Interlocked.Read(ref bucket.QueueWaiting), waiting);
        bucket.QueueOldestSeconds = Math.Max(Volatile.Read(ref bucket.QueueOldestSeconds), oldest);
    }

    private static string ReplicaName()
    {
        var name = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
        return name.Length <= MetricMinuteRow.MaxReplicaLength ? name : name[^MetricMinuteRow.MaxReplicaLength..];
    }
}

/// <summary>Callbacks to one app refused for failing verification, on this replica: how many, the last reason, the first and last time.</summary>
internal sealed record RefusalTally(long Count, string Reason, DateTimeOffset First, DateTimeOffset Last);

/// <summary>The state of a room's calls counter.</summary>
internal sealed record PlatformCalls(PlatformCallInstruments Instruments);

/// <summary>The state of a room's token fetches counter.</summary>
internal sealed record PlatformTokens(PlatformCallInstruments Instruments);
