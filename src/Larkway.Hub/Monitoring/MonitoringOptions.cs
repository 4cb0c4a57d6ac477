namespace Larkway.Hub.Monitoring;

/// <summary>The recorder behind the console's dashboard and the alerts, bound from <c>Larkway:Monitoring</c>.</summary>
public sealed class MonitoringOptions
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
}
