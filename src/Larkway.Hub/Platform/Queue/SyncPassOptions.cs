using System.ComponentModel.DataAnnotations;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The queue settings of a room whose items are syncs' passes — one item per sync, run again on its interval, healed by
/// its next pass after a failure (the Bitable sync's, the knowledge sync's). Each sync's own interval and pacing are on
/// the sync; these say how the replicas share the passes.
/// </summary>
/// <param name="sectionName">The configuration section, named in every problem.</param>
/// <param name="leaseMustFit">What must fit in one lease, said when <see cref="LeaseDuration"/> is too short.</param>
public abstract class SyncPassOptions(string sectionName, string leaseMustFit) : IQueueOptions, IValidatableObject
{
    private static readonly TimeSpan[] DefaultRetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

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

    /// <summary>
    /// Failed passes in a row before the sync's item is dead-lettered (a resume or a run brings it back). Default 100: a
    /// sync keeps trying through a long outage, at the last delay.
    /// </summary>
    public int MaxAttempts { get; set; } = 100;

    /// <summary>Waits between failed passes; the last repeats. Default 5 s, 30 s, 2 min, 10 min.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <inheritdoc />
    public RetrySchedule Retry => new(RetryDelays is { Count: > 0 } d ? [.. d] : DefaultRetryDelays, MaxAttempts);

    /// <summary>Each setting's accepted range.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(sectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        if (LeaseDuration < TimeSpan.FromSeconds(10))
        {
            yield return new($"{sectionName}:LeaseDuration must be at least 10 s ({leaseMustFit} must fit in it).", [nameof(LeaseDuration)]);
        }
    }
}
