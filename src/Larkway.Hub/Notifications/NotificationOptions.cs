using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Notifications;

/// <summary>
/// The notification sender's settings, bound from <c>Larkway:Notifications</c>. Its send rate is each app's
/// <c>Feishu:RateLimit</c>, the limits the app's client enforces (configured once).
/// </summary>
public sealed class NotificationOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Notifications";

    /// <summary>Whether this process runs the sender (a replica may only accept). Default true.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>Most deliveries claimed at once (never more than free workers). Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Deliveries sent at once by one sender; a new one is claimed as soon as one finishes. Default 16.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How long a claim is held before another sender may take the delivery over. Default 2 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle sender looks for retries that became due and work other processes stored. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When Feishu throttles a send without naming a reset, the wait before trying again. Default 1 s.</summary>
    public TimeSpan RateLimitedDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before a delivery that keeps failing for a passing reason is marked failed. Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before attempt n+1 after n failed ones (the last repeats); null uses 10 s, 30 s, 2 min, 10 min, 30 min, 1 h.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    internal IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Count: > 0 } delays
        ? [.. delays]
        : [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    /// <inheritdoc />
    public RetrySchedule Retry => new(EffectiveRetryDelays, MaxAttempts);

    bool IQueueOptions.WorkerEnabled => SenderEnabled;

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        if (LeaseDuration < TimeSpan.FromSeconds(10))
        {
            yield return new("Larkway:Notifications:LeaseDuration must be at least 10 s (longer than a send with its retries).", [nameof(LeaseDuration)]);
        }

        if (RateLimitedDelay <= TimeSpan.Zero)
        {
            yield return new("Larkway:Notifications:RateLimitedDelay must be positive.", [nameof(RateLimitedDelay)]);
        }
    }
}

/// <summary>Checks <see cref="NotificationOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>;
