namespace Larkway.Hub.Notifications;

/// <summary>The notification sender's settings, bound from <c>Larkway:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Notifications";

    /// <summary>Whether this process runs the sender (a replica may only accept). Default true.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>Deliveries claimed per round. Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Deliveries sent at once by one sender. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a claim is held before another sender may take the delivery over. Default 2 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle sender looks for retries that became due and work other processes stored. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before a delivery that keeps failing for a passing reason is marked failed. Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before attempt n+1 after n failed ones (the last repeats); null uses 10 s, 30 s, 2 min, 10 min, 30 min, 1 h.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    internal IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Count: > 0 } delays
        ? [.. delays]
        : [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];
}
