namespace Larkway.Hub.Monitoring;

/// <summary>
/// The running counts of one minute on this replica. Measurement callbacks add with <see cref="Interlocked"/> only (no
/// lock, no allocation); the flusher reads a snapshot, which may miss an add racing with it — the next flush of the same
/// minute writes it.
/// </summary>
internal sealed class MinuteBucket(DateTimeOffset minute)
{
    public readonly long[] Latency = new long[LatencyBuckets.Count];

    public long ApiCalls;
    public long ApiErrors;
    public long TokenLookups;
    public long TokenHits;
    public long TokenFetches;
    public long TokenFailures;
    public long EventsHandled;
    public long CardsRendered;
    public long CardsFailed;
    public long DeadLetters;
    public long QueueWaiting;
    public double QueueOldestSeconds;

    public DateTimeOffset Minute { get; } = minute;

    /// <summary>How often this bucket was written after its minute ended (kept for one more write, for late adds).</summary>
    public int FlushesAfterEnd { get; set; }

    public MetricMinuteRow Snapshot(string replica)
    {
        var latency = new long[Latency.Length];
        for (var i = 0; i < latency.Length; i++)
        {
            latency[i] = Interlocked.Read(ref Latency[i]);
        }

        return new MetricMinuteRow
        {
            Replica = replica,
            Minute = Minute,
            ApiCalls = Interlocked.Read(ref ApiCalls),
            ApiErrors = Interlocked.Read(ref ApiErrors),
            TokenLookups = Interlocked.Read(ref TokenLookups),
            TokenHits = Interlocked.Read(ref TokenHits),
            TokenFetches = Interlocked.Read(ref TokenFetches),
            TokenFailures = Interlocked.Read(ref TokenFailures),
            EventsHandled = Interlocked.Read(ref EventsHandled),
            EventLatency = LatencyBuckets.Format(latency),
            CardsRendered = Interlocked.Read(ref CardsRendered),
            CardsFailed = Interlocked.Read(ref CardsFailed),
            DeadLetters = Interlocked.Read(ref DeadLetters),
            QueueWaiting = Interlocked.Read(ref QueueWaiting),
            QueueOldestSeconds = Volatile.Read(ref QueueOldestSeconds),
        };
    }
}
