namespace Larkway.Hub.Platform.Queue;

/// <summary>How a queue's worker runs; each feature's options class (bound from its own section) provides them.</summary>
public interface IQueueOptions
{
    /// <summary>Whether this process runs the worker (a replica may only accept work).</summary>
    bool WorkerEnabled { get; }

    /// <summary>Items claimed per round.</summary>
    int BatchSize { get; }

    /// <summary>Items handled at once.</summary>
    int Concurrency { get; }

    /// <summary>How long a claim holds; renewed while a handler runs, taken over by another worker once expired.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>How often an idle worker looks for work other processes added or that became due.</summary>
    TimeSpan PollInterval { get; }

    /// <summary>After a wake-up, how long to let more items gather before claiming (zero: claim at once).</summary>
    TimeSpan ClaimDelay => TimeSpan.Zero;

    /// <summary>When failed items are tried again, and how often.</summary>
    RetrySchedule Retry { get; }
}
