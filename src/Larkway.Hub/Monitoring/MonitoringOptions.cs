using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
namespace Larkway.Hub.Monitoring;

/// <summary>The recorder behind the console's dashboard and the alerts, bound from <c>Larkway:Monitoring</c>.</summary>
public sealed class MonitoringOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Monitoring";

    /// <summary>
    /// How often each replica writes its running minute to <c>hub_metric_minutes</c> (1 s – 5 min). Default 10 s. The
    /// dashboard and the alert evaluator also write the replica they run on first, so this mostly bounds how stale the
    /// other replicas' figures can be.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long minutes are kept (1 – 30 days). Default 2 days: the dashboard shows the last 24 hours.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Each setting's accepted range.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!(FlushInterval >= TimeSpan.FromSeconds(1) && FlushInterval <= TimeSpan.FromMinutes(5)))
        {
            yield return new("Larkway:Monitoring:FlushInterval must be from 00:00:01 to 00:05:00.", [nameof(FlushInterval)]);
        }

        if (!(Retention >= TimeSpan.FromDays(1) && Retention <= TimeSpan.FromDays(30)))
        {
            yield return new("Larkway:Monitoring:Retention must be from 1.00:00:00 (the dashboard shows 24 hours) to 30.00:00:00.", [nameof(Retention)]);
        }
    }
}

/// <summary>Checks <see cref="MonitoringOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>;
