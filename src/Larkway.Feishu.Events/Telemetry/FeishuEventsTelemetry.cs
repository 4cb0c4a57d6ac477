using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Shared.Clients;

namespace Larkway.Feishu.Events.Telemetry;

/// <summary>
/// The receiving side's instruments on the <c>Larkway</c> meter and its <c>Larkway</c> activity source: events received
/// and rejected (HTTP endpoints and the long connection), card-action answers and their latency, the long connection's
/// state and reconnects. Under DI there is one instance per <see cref="IMeterFactory"/>, shared by the endpoints and every
/// long-connection client of that container, so each instrument exists once and a listener can tell containers apart by
/// the meter's scope. Without a factory a client owns its own meter.
/// </summary>
internal sealed class FeishuEventsTelemetry : IDisposable
{
    public const string Name = LarkwayInstruments.Name;

    /// <summary>One activity per received event or callback; the sink's work (and the Feishu calls it makes) nest under it.</summary>
    public static readonly ActivitySource ActivitySource = LarkwayInstruments.ActivitySource;

    /// <summary>Feishu answers a card action within 3 s; the buckets are dense below that.</summary>
    private static readonly double[] CardActionBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5];

    private static readonly ConditionalWeakTable<IMeterFactory, FeishuEventsTelemetry> PerFactory = new();

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _cardActionDuration;

    private FeishuEventsTelemetry(Meter meter, bool owned)
    {
        _ownedMeter = owned ? meter : null;
        _received = meter.CreateCounter<long>(
            "larkway.feishu.events.received", "{event}",
            "Verified events and callbacks handed to the sink, by app, event type, transport and outcome.");
        _rejected = meter.CreateCounter<long>(
            "larkway.feishu.events.rejected", "{request}",
            "Requests and frames refused before they reached the sink, by app, transport and reason (error.type).");
        _cardActionDuration = meter.CreateHistogram(
            "larkway.feishu.card_action.duration", "s",
            "Time from a card action's arrival to its answer, by app, transport and answer.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CardActionBuckets });
    }

    /// <summary>The shared instance of a DI container's meter factory.</summary>
    public static FeishuEventsTelemetry For(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return PerFactory.GetValue(meterFactory, static f => new FeishuEventsTelemetry(f.Create(Name), owned: false));
    }

    /// <summary>An instance owning its meter (disposed with it), for a client built without DI.</summary>
    public static FeishuEventsTelemetry CreateOwned() => new(new Meter(Name), owned: true);

    public static string TransportName(FeishuEventTransport transport) =>
        transport == FeishuEventTransport.LongConnection ? "long_connection" : "http";

    /// <summary>
    /// Starts the activity of one received event (null when nobody listens). Ids and types only: the body is never
    /// put on an activity.
    /// </summary>
    public static Activity? StartReceive(FeishuEventEnvelope envelope, string appName, FeishuEventTransport transport)
    {
        var activity = ActivitySource.StartActivity("feishu.event.receive", ActivityKind.Consumer);
        if (activity is null)
        {
            return null;
        }

        activity.DisplayName = "receive " + envelope.EventType;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("feishu.app", appName);
            activity.SetTag("feishu.event_type", envelope.EventType);
            activity.SetTag("feishu.event_id", envelope.DedupKey);
            activity.SetTag("larkway.transport", TransportName(transport));
        }

        return activity;
    }

    /// <summary>Ends the work on an event: counts it and closes its activity with the outcome.</summary>
    public void EventHandled(Activity? activity, FeishuInboundEvent inbound, ReceiveOutcome outcome)
    {
        var outcomeName = OutcomeName(outcome);
        _received.Add(1, new TagList
        {
            { "feishu.app", inbound.AppName },
            { "feishu.event_type", inbound.Envelope.EventType },
            { "larkway.transport", TransportName(inbound.Transport) },
            { "larkway.outcome", outcomeName },
        });

        if (activity is not null)
        {
            activity.SetTag("larkway.outcome", outcomeName);
            if (outcome == ReceiveOutcome.Failed)
            {
                activity.SetStatus(ActivityStatusCode.Error, "The sink did not accept the event; Feishu delivers it again.");
            }

            activity.Dispose();
        }
    }

    /// <summary>A request or frame refused before the sink; <paramref name="reason"/> is one of the documented snake_case reasons.</summary>
    public void Rejected(string appName, FeishuEventTransport transport, string reason) =>
        _rejected.Add(1, new TagList
        {
            { "feishu.app", appName },
            { "larkway.transport", TransportName(transport) },
            { "error.type", reason },
        });

    /// <summary>A card action's answer and how long it took since the request (or frame) arrived.</summary>
    public void CardActionAnswered(string appName, FeishuEventTransport transport, CardAnswer answer, TimeSpan elapsed) =>
        _cardActionDuration.Record(elapsed.TotalSeconds, new TagList
        {
            { "feishu.app", appName },
            { "larkway.transport", TransportName(transport) },
            { "larkway.card_action.answer", AnswerName(answer) },
        });

    public void Dispose() => _ownedMeter?.Dispose();

    private static string OutcomeName(ReceiveOutcome outcome) => outcome switch
    {
        ReceiveOutcome.Accepted => "accepted",
        ReceiveOutcome.Duplicate => "duplicate",
        ReceiveOutcome.Failed => "failed",
        _ => "cancelled",
    };

    private static string AnswerName(CardAnswer answer) => answer switch
    {
        CardAnswer.Response => "response",
        CardAnswer.Empty => "empty",
        CardAnswer.Late => "late",
        _ => "failed",
    };
}

/// <summary>What became of a verified event handed to the sink.</summary>
internal enum ReceiveOutcome
{
    /// <summary>Stored or handled for the first time.</summary>
    Accepted,

    /// <summary>Seen before; nothing was done again.</summary>
    Duplicate,

    /// <summary>The sink threw: Feishu was told to deliver it again (HTTP 503, long-connection code 500).</summary>
    Failed,

    /// <summary>The receiver stopped or Feishu hung up before the sink returned; Feishu delivers it again.</summary>
    Cancelled,
}

/// <summary>How a card action was answered.</summary>
internal enum CardAnswer
{
    /// <summary>With a toast and/or a card.</summary>
    Response,

    /// <summary>With <c>{}</c>: the card stays as it is.</summary>
    Empty,

    /// <summary>With <c>{}</c> at the deadline, while the handler went on in the background.</summary>
    Late,

    /// <summary>With an error status, so Feishu shows the click failed.</summary>
    Failed,
}
