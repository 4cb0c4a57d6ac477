using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Stream;

/// <summary>The Stream client's metrics on the <c>Larkway</c> meter (docs/metrics.md).</summary>
internal sealed class StreamTelemetry : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly string _appKey;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _frames;

    public StreamTelemetry(IMeterFactory? meterFactory, string appKey)
    {
        _appKey = appKey;
        var meter = LarkwayInstruments.Meter(meterFactory, out _ownedMeter);
        _connections = meter.CreateCounter<long>("larkway.dingtalk.stream.connections", "{connection}", "Stream connections opened, by the reason (start, or why the previous one was replaced).");
        _frames = meter.CreateCounter<long>("larkway.dingtalk.stream.frames", "{frame}", "EVENT and CALLBACK frames received, by type, topic and outcome (handled, failed, duplicate).");
    }

    public void ConnectionOpened(string reason)
    {
        if (_connections.Enabled)
        {
            _connections.Add(1, new KeyValuePair<string, object?>("dingtalk.app_key", _appKey), new KeyValuePair<string, object?>("dingtalk.stream.reason", Reason(reason)));
        }
    }

    public void Frame(string type, string topic, string outcome)
    {
        if (_frames.Enabled)
        {
            _frames.Add(1, new KeyValuePair<string, object?>("dingtalk.app_key", _appKey), new KeyValuePair<string, object?>("dingtalk.stream.type", type),
                new KeyValuePair<string, object?>("dingtalk.stream.topic", topic), new KeyValuePair<string, object?>("dingtalk.stream.outcome", outcome));
        }
    }

    // Reasons carry details (seconds, socket errors); the tag keeps their kind only, so its values stay few.
    private static string Reason(string reason) =>
        reason == "start" ? "start"
        : reason.Contains("disconnect", StringComparison.Ordinal) ? "disconnect"
        : reason.StartsWith("no frame", StringComparison.Ordinal) ? "silence"
        : reason.StartsWith("deaf", StringComparison.Ordinal) ? "deaf"
        : "lost";

    public void Dispose() => _ownedMeter?.Dispose();
}
