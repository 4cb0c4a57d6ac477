using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>Inbox processing settings, bound from <c>Larkway:Inbox</c>.</summary>
public sealed class InboxOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Inbox";

    /// <summary>The retry delays used when <see cref="RetryDelays"/> is not set: 5 s, 30 s, 2 min, 10 min, 1 h (then 1 h).</summary>
    public static IReadOnlyList<TimeSpan> DefaultRetryDelays { get; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1),
    ];

    /// <summary>Whether this process runs the background processor (a replica may only ingest). Default true.</summary>
    public bool ProcessorEnabled { get; set; } = true;

    /// <summary>Events claimed per round (at most the free slots). Default 64: a claim fills the slots a backlog frees.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Events dispatched at once by one processor. Default 64: handlers mostly wait on Feishu's API (a bot's reply) or
    /// the database, and with fewer a burst of messages waits in the inbox for round trips rather than for CPU
    /// (docs/benchmarks.md: at 16 the inbox handled 1.44× node-sdk's closed-loop rate and drained 3 s after the load,
    /// at 64 it kept up with its acks). Feishu's rate limits are the client's limiter's, whatever this is.
    /// </summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>How long a claim is held; renewed while handlers run, and taken over by another processor once expired. Default 5 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After being woken by new events, how long the processor lets more gather before claiming, so one claim and
    /// one completion transaction serve several events and stay out of the acks' way. Adds at most this much to
    /// handling (not to acks). Zero claims at once. Default 10 ms.
    /// </summary>
    public TimeSpan ClaimDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often an idle processor looks for work that other processes added or that became due. Default 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before an event is dead-lettered. Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before attempt n+1 after n failed attempts (the last entry repeats); null uses <see cref="DefaultRetryDelays"/>.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>Random spread of each retry delay, as a fraction (0.2 → ±20 %), so failed events do not retry in lockstep. Default 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>How long a card action's handler may run before the callback is answered without a card response. Default 2.5 s (Feishu waits 3 s).</summary>
    public TimeSpan CardActionTimeout { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>
    /// How long an event is kept once handled, with its dedup keys (<see cref="InboxRetention"/>): it holds the decrypted
    /// body, personal data included. A redelivery after this is no longer recognised, so keep it well past the platforms'
    /// retry windows (hours). From 1 day to 10 years; default 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a dead-lettered event is kept after it arrived, for a replay; at least <see cref="Retention"/>. Default 90 days.</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(90);

    internal IReadOnlyList<TimeSpan> EffectiveRetryDelays =>
        RetryDelays is { Count: > 0 } delays ? [.. delays] : DefaultRetryDelays;

    /// <inheritdoc />
    public RetrySchedule Retry => new(EffectiveRetryDelays, MaxAttempts, RetryJitter);

    bool IQueueOptions.WorkerEnabled => ProcessorEnabled;

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

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new("Larkway:Inbox:LeaseDuration must be at least 1 s.", [nameof(LeaseDuration)]);
        }

        if (!(RetryJitter is >= 0 and <= 1))
        {
            yield return new("Larkway:Inbox:RetryJitter must be between 0 and 1.", [nameof(RetryJitter)]);
        }

        if (ClaimDelay < TimeSpan.Zero || ClaimDelay >= PollInterval)
        {
            yield return new("Larkway:Inbox:ClaimDelay must be zero or more, and less than PollInterval.", [nameof(ClaimDelay)]);
        }

        if (CardActionTimeout <= TimeSpan.Zero || CardActionTimeout >= TimeSpan.FromSeconds(3))
        {
            yield return new("Larkway:Inbox:CardActionTimeout must be between 0 and 3 s (Feishu's deadline).", [nameof(CardActionTimeout)]);
        }
    }
}

/// <summary>Checks <see cref="InboxOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class InboxOptionsValidator : IValidateOptions<InboxOptions>;
