using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
namespace Larkway.Hub.Platform.Leases;

/// <summary>How singleton duties (the long connection, scheduled jobs) are leased among replicas. Bound from <c>Larkway:Leases</c>.</summary>
public sealed class LeaseOptions : IValidatableObject
{
    public const string SectionName = "Larkway:Leases";

    /// <summary>
    /// How long a lease lasts without renewal: how long a dead replica's duties stay unowned. The holder renews every
    /// third of it and stops its duty once two thirds have passed without a successful renewal. Default 30 s.
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a replica that does not hold a lease tries to take it. Default 5 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The renewal period: a third of <see cref="Duration"/>.</summary>
    internal TimeSpan RenewInterval => Duration / 3;

    /// <summary>
    /// How long after the last confirmed acquire/renewal the holder may keep running its duty: two thirds of
    /// <see cref="Duration"/>, leaving the last third for the duty to stop (and for clock skew) before anyone else can take it.
    /// </summary>
    internal TimeSpan SafeHold => Duration * 2 / 3;

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Duration < TimeSpan.FromSeconds(1))
        {
            yield return new("Larkway:Leases:Duration must be at least 1 s.", [nameof(Duration)]);
        }

        if (RetryInterval <= TimeSpan.Zero)
        {
            yield return new("Larkway:Leases:RetryInterval must be positive.", [nameof(RetryInterval)]);
        }
    }
}

/// <summary>Checks <see cref="LeaseOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class LeaseOptionsValidator : IValidateOptions<LeaseOptions>;
