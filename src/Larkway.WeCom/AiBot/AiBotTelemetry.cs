using System.Diagnostics;
using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.WeCom.AiBot;

/// <summary>The AI bot connection's metrics and traces on the <c>Larkway</c> meter and activity source (docs/metrics.md).</summary>
internal sealed class AiBotTelemetry : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly string _botId;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _callbacks;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _ackDuration;

    public AiBotTelemetry(IMeterFactory? meterFactory, string botId)
    {
        _botId = botId;
        var meter = LarkwayInstruments.Meter(meterFactory, out _ownedMeter);
        _connections = meter.CreateCounter<long>("larkway.wecom.aibot.connections", "{connection}", "AI bot long connections subscribed, by the reason (start, or why the previous one ended).");
        _callbacks = meter.CreateCounter<long>("larkway.wecom.aibot.callbacks", "{callback}", "AI bot messages and events received, by cmd, type and outcome (handled, failed, duplicate).");
        _requests = meter.CreateCounter<long>("larkway.wecom.aibot.requests", "{request}", "Frames the client sent and WeCom answered (replies, sends, uploads), by cmd and errcode (or timeout, lost).");
        _ackDuration = meter.CreateHistogram<double>("larkway.wecom.aibot.request.duration", "s", "From sending a frame to its ack, queueing behind earlier replies of the same req_id excluded.");
    }

    public void ConnectionOpened(string reason)
    {
        if (_connections.Enabled)
        {
            _connections.Add(1, new("wecom.aibot.bot_id", _botId), new("wecom.aibot.reason", Kind(reason)));
        }
    }

    public void Callback(string cmd, string type, string outcome)
    {
        if (_callbacks.Enabled)
        {
            _callbacks.Add(1, new("wecom.aibot.bot_id", _botId), new("wecom.aibot.cmd", cmd), new("wecom.aibot.type", type), new("wecom.aibot.outcome", outcome));
        }
    }

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
        : reason.Contains("ping", StringComparison.Ordinal) ? "missed-pongs"
        : reason.StartsWith("no frame", StringComparison.Ordinal) ? "silence"
        : reason.Contains("closed by the server", StringComparison.Ordinal) ? "closed"
        : "lost";

    public void Dispose() => _ownedMeter?.Dispose();
}
