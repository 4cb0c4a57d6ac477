using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>The webhook sender's settings, bound from <c>Larkway:Webhooks</c>.</summary>
public sealed class WebhookOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Webhooks";

    /// <summary>Whether this process runs the sender (a replica may only fan out). Default true.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>Deliveries claimed per round. Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Deliveries posted at once by one sender. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a claim is held before another sender may take it over; longer than <see cref="RequestTimeout"/>. Default 1 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle sender looks for due retries and work other processes stored. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The limit on one POST, answer included. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts before a delivery that keeps failing for a passing reason is dead-lettered. Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before attempt n+1 after n failed ones (the last repeats); null uses 10 s, 30 s, 2 min, 10 min, 30 min, 1 h.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>
    /// How long a delivered delivery is kept (<see cref="WebhookDeliveryRetention"/>): it holds the payload posted, personal
    /// data included. From 1 day to 10 years; default 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a dead-lettered delivery is kept after it was queued, for a replay; at least <see cref="Retention"/>. Default 90 days.</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// After a secret rotation, how long the previous secret is still signed with (a second <c>v1,</c> signature in
    /// <c>webhook-signature</c>; alone in the older <c>X-Larkway-Signature</c>). From 0 (dropped at once) to 30 days;
    /// default 24 h.
    /// </summary>
    public TimeSpan SecretRotationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest <see cref="SecretRotationWindow"/>.</summary>
    internal static readonly TimeSpan MaxSecretRotationWindow = TimeSpan.FromDays(30);

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

        foreach (var problem in QueueOptionsRules.ValidateRetention(SectionName, Retention, DeadLetterRetention))
        {
            yield return problem;
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            yield return new("Larkway:Webhooks:RequestTimeout must be positive.", [nameof(RequestTimeout)]);
        }

        if (SecretRotationWindow < TimeSpan.Zero || SecretRotationWindow > MaxSecretRotationWindow)
        {
            yield return new("Larkway:Webhooks:SecretRotationWindow must be from 00:00:00 (the previous secret is dropped at once) to 30.00:00:00.", [nameof(SecretRotationWindow)]);
        }

        if (!(LeaseDuration >= RequestTimeout + TimeSpan.FromSeconds(5)))
        {
            yield return new("Larkway:Webhooks:LeaseDuration must exceed RequestTimeout by at least 5 s.", [nameof(LeaseDuration)]);
        }
    }
}

/// <summary>Checks <see cref="WebhookOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
