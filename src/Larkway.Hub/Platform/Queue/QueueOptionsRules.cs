using System.ComponentModel.DataAnnotations;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The settings every queue has, checked the same way for each feature's section: a feature's options validation
/// yields these and then its own rules (its lease, which depends on what one handler does).
/// </summary>
public static class QueueOptionsRules
{
    /// <summary>The problems with the shared queue settings of the section <paramref name="section"/>, each naming the setting.</summary>
    /// <param name="section">The configuration section, e.g. <c>Larkway:Inbox</c>.</param>
    /// <param name="options">The queue's settings (batch size, concurrency, poll interval).</param>
    /// <param name="maxAttempts">Attempts before an item is dead-lettered, as configured.</param>
    /// <param name="retryDelays">The configured back-off delays, or null for the feature's defaults.</param>
    public static IEnumerable<ValidationResult> Validate(string section, IQueueOptions options, int maxAttempts, IEnumerable<TimeSpan>? retryDelays)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(options);

        if (options.BatchSize < 1)
        {
            yield return new($"{section}:BatchSize must be at least 1.", [nameof(IQueueOptions.BatchSize)]);
        }

        if (options.Concurrency < 1)
        {
            yield return new($"{section}:Concurrency must be at least 1.", [nameof(IQueueOptions.Concurrency)]);
        }

        if (maxAttempts < 1)
        {
            yield return new($"{section}:MaxAttempts must be at least 1.", ["MaxAttempts"]);
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            yield return new($"{section}:PollInterval must be positive.", [nameof(IQueueOptions.PollInterval)]);
        }

        if (retryDelays is not null && retryDelays.Any(d => d < TimeSpan.Zero))
        {
            yield return new($"{section}:RetryDelays must not be negative.", ["RetryDelays"]);
        }
    }

    /// <summary>The longest any retention may be: ten years.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(3650);

    /// <summary>
    /// The problems with a queue's retention of the section <paramref name="section"/>: finished items kept from a day (so
    /// a redelivery within the platform's retry window is still recognised) to <see cref="MaxRetention"/>, dead letters at
    /// least as long (they wait for someone to look).
    /// </summary>
    public static IEnumerable<ValidationResult> ValidateRetention(string section, TimeSpan retention, TimeSpan deadLetterRetention)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        if (!(retention >= TimeSpan.FromDays(1) && retention <= MaxRetention))
        {
            yield return new($"{section}:Retention must be from 1.00:00:00 (a day) to 3650.00:00:00 (ten years).", ["Retention"]);
        }

        if (!(deadLetterRetention >= retention && deadLetterRetention <= MaxRetention))
        {
            yield return new($"{section}:DeadLetterRetention must be at least Retention and at most 3650.00:00:00 (ten years).", ["DeadLetterRetention"]);
        }
    }
}
