using System.Diagnostics.Metrics;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// WeCom customer service's instruments on the <c>Larkway</c> meter: items pulled (by origin), what the Hub did with
/// customers' messages (answered, handed over, left to people), messages sent and sends refused or failed, and how far
/// behind the newest pulled item was.
/// </summary>
internal sealed class KfTelemetry
{
    private static readonly double[] Seconds = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600];

    private readonly Counter<long> _pulled;
    private readonly Counter<long> _routed;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _lag;

    public KfTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _pulled = meter.CreateCounter<long>("larkway.hub.wecom.kf.pulled", "{item}", "Customer-service messages and events stored from sync_msg, by app and origin (customer, system, receptionist).");
        _routed = meter.CreateCounter<long>("larkway.hub.wecom.kf.messages", "{message}", "Customers' messages by what the Hub did: assistant, handover, people, history, unanswered.");
        _sent = meter.CreateCounter<long>("larkway.hub.wecom.kf.sent", "{message}", "Messages the Hub sent to customers, by app.");
        _refused = meter.CreateCounter<long>("larkway.hub.wecom.kf.send_failures", "{message}", "Messages to customers not sent or not delivered, by app and reason (budget, WeCom's code, msg_send_fail).");
        _lag = meter.CreateHistogram<double>("larkway.hub.wecom.kf.lag", "s", "From a customer's message sent to it stored by the Hub, by app.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
    }

    public void Pulled(string app, string origin, int count) => _pulled.Add(count, new("app", app), new("origin", origin));

    public void Routed(string app, string route) => _routed.Add(1, new("app", app), new("route", route));

    public void Sent(string app) => _sent.Add(1, new KeyValuePair<string, object?>("app", app));

    public void SendRefused(string app, string reason) => _refused.Add(1, new("app", app), new("reason", reason));

    public void Lag(string app, TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("app", app));
}
