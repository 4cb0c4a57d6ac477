using System.Diagnostics;
using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The AI bot connection's metrics and traces on the <c>Larkway</c> meter and activity source (docs/metrics.md): the
/// shared long-connection instruments (<c>larkway.wecom.long_connection.*</c>) tagged with the bot id, and the requests
/// the client sends (replies, sends, uploads), which only this platform's long connection has.
/// </summary>
internal sealed class AiBotTelemetry : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly string _botId;
    private readonly ConnectionTelemetry _connections;
    private readonly KeyValuePair<string, object?>[] _bot;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _ackDuration;

    public AiBotTelemetry(IMeterFactory? meterFactory, string botId)
    {
        _botId = botId;
        var meter = LarkwayInstruments.Meter(meterFactory, out _ownedMeter);
        _connections = ConnectionTelemetry.For(meterFactory, "WeCom", "wecom");
        _bot = [new("wecom.aibot.bot_id", botId)];
        _requests = meter.CreateCounter<long>("larkway.wecom.aibot.requests", "{request}", "Frames the client sent and WeCom answered (replies, sends, uploads), by cmd and errcode (or timeout, lost).");
        _ackDuration = meter.CreateHistogram<double>("larkway.wecom.aibot.request.duration", "s", "From sending a frame to its ack, queueing behind earlier replies of the same req_id excluded.");
    }

    /// <summary>Reports the client on the connected gauge until disposed.</summary>
    public IDisposable Track(Func<bool> isConnected) => _connections.Track(isConnected, _bot);

    public void ConnectionOpened(string reason) => _connections.Connected(Kind(reason), _bot);

    public void Reconnected(bool connected) => _connections.Reconnected(connected, _bot);

    public void Callback(string cmd, string type, string outcome) =>
        _connections.Pushed(outcome, _bot, new("wecom.aibot.cmd", cmd), new("wecom.aibot.type", type));

    public void Request(string cmd, string outcome, TimeSpan duration)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new("wecom.aibot.bot_id", _botId), new("wecom.aibot.cmd", cmd), new("wecom.aibot.outcome", outcome));
        }

        if (_ackDuration.Enabled)
        {
            _ackDuration.Record(duration.TotalSeconds, new("wecom.aibot.bot_id", _botId), new("wecom.aibot.cmd", cmd), new("wecom.aibot.outcome", outcome));
        }
    }

    public Activity? StartCallback(string cmd, string type, string reqId)
    {
        if (!LarkwayInstruments.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = LarkwayInstruments.ActivitySource.StartActivity($"WeCom AI bot {cmd} {type}", ActivityKind.Consumer);
        activity?.SetTag("wecom.aibot.bot_id", _botId);
        activity?.SetTag("wecom.aibot.req_id", reqId);
        return activity;
    }

    public Activity? StartRequest(string cmd, string reqId)
    {
        if (!LarkwayInstruments.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = LarkwayInstruments.ActivitySource.StartActivity($"WeCom AI bot {cmd}", ActivityKind.Producer);
        activity?.SetTag("wecom.aibot.bot_id", _botId);
        activity?.SetTag("wecom.aibot.req_id", reqId);
        return activity;
    }

    // Reasons carry details (seconds, socket errors); the tag keeps their kind only, so its values stay few.
    private static string Kind(string reason) =>
        reason == "start" ? "start"
        : reason.Contains("ping", StringComparison.Ordinal) ? ConnectionTelemetry.ReasonTag(LivenessFailure.UnansweredProbes)
        : reason.StartsWith("no frame", StringComparison.Ordinal) ? ConnectionTelemetry.ReasonTag(LivenessFailure.Silence)
        : reason.Contains("closed by the server", StringComparison.Ordinal) ? "closed"
        : "lost";

    public void Dispose()
    {
        _connections.Dispose();
        _ownedMeter?.Dispose();
    }
}
