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

    /// <summary>The dashboard's targets (<c>Larkway:Monitoring:Targets</c>): the seed's success metrics unless changed.</summary>
    public DashboardTargets Targets { get; set; } = new();

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

        foreach (var problem in Targets.Problems())
        {
            yield return new(problem, [nameof(Targets)]);
        }
    }
}

/// <summary>
/// What the dashboard holds each success metric to, and how many samples a window needs before it judges a rate: three
/// calls with one failure is not yet a 66 % success rate worth a red tile.
/// </summary>
public sealed class DashboardTargets
{
    /// <summary>API calls that must succeed, in percent (50 – 100, exclusive of 100). Default 99.5.</summary>
    public double ApiSuccessPercent { get; set; } = 99.5;

    /// <summary>
    /// The p95 event latency (Feishu's create_time to handled) must stay within this many seconds. Default 2. One of the
    /// latency buckets' bounds (0.5, 1, 1.5, 2, 3, 5, 10, 30, 60), so "95 % within it" is counted exactly.
    /// </summary>
    public double EventLatencySeconds { get; set; } = 2;

    /// <summary>Token look-ups answered from the cache, in percent (0 – 100). Default 95.</summary>
    public double TokenHitPercent { get; set; } = 95;

    /// <summary>
    /// Fewest calls, events or look-ups in a window for the dashboard to judge its rate (1 – 1,000,000). Default 20;
    /// below it the tile says "too few samples" instead of met or breached. Card rendering has no minimum: its target is
    /// no failure at all.
    /// </summary>
    public long MinSamples { get; set; } = 20;

    /// <summary>The settings outside their accepted range, each as a sentence that names it.</summary>
    internal IEnumerable<string> Problems()
    {
        const string at = "Larkway:Monitoring:Targets:";
        if (!(ApiSuccessPercent >= 50 && ApiSuccessPercent < 100))
        {
            yield return $"{at}ApiSuccessPercent must be from 50 to less than 100 (percent of calls that succeed).";
        }

        if (Array.IndexOf(LatencyBuckets.Bounds, EventLatencySeconds) < 0 || EventLatencySeconds < 0.5 || EventLatencySeconds > 60)
        {
            yield return $"{at}EventLatencySeconds must be one of 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60 (the latency buckets' bounds).";
        }

        if (!(TokenHitPercent >= 0 && TokenHitPercent <= 100))
        {
            yield return $"{at}TokenHitPercent must be from 0 to 100.";
        }

        if (MinSamples is < 1 or > 1_000_000)
        {
            yield return $"{at}MinSamples must be from 1 to 1000000.";
        }
    }
}

/// <summary>Checks <see cref="MonitoringOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>;
