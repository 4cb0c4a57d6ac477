using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Hub.Inbox;

/// <summary>
/// What the inbox adds to the receiving side's instruments: events stored or found to be duplicates, events handled
/// (by outcome), and the latency from Feishu's <c>create_time</c> to handled — the success metric "event processing
/// under 2 s". Its activity continues the receipt's trace when the event is handled.
/// </summary>
internal sealed class InboxTelemetry
{
    /// <summary>The Hub's traces, under the name every Larkway library uses.</summary>
    public static readonly ActivitySource ActivitySource = new("Larkway");

    private readonly Counter<long> _stored;
    private readonly Counter<long> _handled;
    private readonly Histogram<double> _latency;

    public InboxTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _stored = meter.CreateCounter<long>("larkway.hub.inbox.appends", "{event}", "Events offered to the inbox, by app, event type and outcome (stored, duplicate).");
        _handled = meter.CreateCounter<long>("larkway.hub.inbox.handled", "{event}", "Events the inbox finished, by app, event type and outcome (handled, no_handler, malformed, ignored, app_deleted, no_platform).");
        _latency = meter.CreateHistogram<double>(
            "larkway.hub.event.latency", "s", "From the event's create_time (Feishu's clock) to its handling done, by event type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
    }

    public void Stored(string app, string eventType, bool duplicate) =>
        _stored.Add(1, new("feishu.app", app), new("feishu.event_type", eventType), new("outcome", duplicate ? "duplicate" : "stored"));

    public void Handled(string app, string eventType, string outcome, TimeSpan? sinceCreated)
    {
        _handled.Add(1, new("feishu.app", app), new("feishu.event_type", eventType), new("outcome", outcome));
        if (sinceCreated is { } latency && latency >= TimeSpan.Zero)
        {
            _latency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("feishu.event_type", eventType));
        }
    }

    /// <summary>Starts handling <paramref name="item"/> as a child of the request that received it (when it was traced).</summary>
    public static Activity? StartHandling(InboxEvent item)
    {
        ActivityContext.TryParse(item.TraceParent, null, out var parent);
        var activity = ActivitySource.StartActivity("larkway.inbox.handle", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("feishu.event_type", item.EventType);
            activity.SetTag("larkway.inbox.id", item.Id);
            activity.SetTag("larkway.inbox.attempt", item.Attempts);
        }

        return activity;
    }
}
