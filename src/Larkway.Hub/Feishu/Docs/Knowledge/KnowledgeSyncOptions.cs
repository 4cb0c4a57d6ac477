using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>The knowledge syncs' queue settings, bound from <c>Larkway:Feishu:Knowledge</c> (each sync's interval and pacing are on the sync).</summary>
public sealed class KnowledgeSyncOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Feishu:Knowledge";

    /// <summary>Whether this process runs passes (a replica may leave them to others). Default true.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Syncs claimed at once. Default 4.</summary>
    public int BatchSize { get; set; } = 4;

    /// <summary>Passes run at once (each is one sync). Default 2.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How long a pass is held before another process may take it over (renewed while it runs). Default 1 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle worker looks for due passes. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed passes in a row before the sync's item is dead-lettered (a run brings it back). Default 100: a sync keeps trying through a long outage.</summary>
    public int MaxAttempts { get; set; } = 100;

    /// <summary>Waits between failed passes; the last repeats. Default 5 s, 30 s, 2 min, 10 min.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    private static readonly TimeSpan[] DefaultRetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <inheritdoc />
    public RetrySchedule Retry => new(RetryDelays is { Count: > 0 } d ? [.. d] : DefaultRetryDelays, MaxAttempts);

    /// <summary>Each setting's accepted range.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        if (LeaseDuration < TimeSpan.FromSeconds(10))
        {
            yield return new($"{SectionName}:LeaseDuration must be at least 10 s (a document's read and push with their retries must fit in it).", [nameof(LeaseDuration)]);
        }
    }
}

/// <summary>Checks <see cref="KnowledgeSyncOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class KnowledgeSyncOptionsValidator : IValidateOptions<KnowledgeSyncOptions>;
