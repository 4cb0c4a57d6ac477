using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Stream;

/// <summary>
/// The Stream client's metrics: the shared long-connection instruments (<c>larkway.dingtalk.long_connection.*</c>,
/// docs/metrics.md) tagged with the app key, and a push's type and topic.
/// </summary>
internal sealed class StreamTelemetry : IDisposable
{
    private readonly ConnectionTelemetry _connections;
    private readonly KeyValuePair<string, object?>[] _app;

    public StreamTelemetry(IMeterFactory? meterFactory, string appKey)
    {
        _connections = ConnectionTelemetry.For(meterFactory, "DingTalk", "dingtalk");
        _app = [new("dingtalk.app_key", appKey)];
    }

    /// <summary>Reports the client on the connected gauge until disposed.</summary>
    public IDisposable Track(Func<bool> isConnected) => _connections.Track(isConnected, _app);

    public void ConnectionOpened(string reason) => _connections.Connected(Reason(reason), _app);

    public void Reconnected(bool connected) => _connections.Reconnected(connected, _app);

    public void Frame(string type, string topic, string outcome) =>
        _connections.Pushed(outcome, _app, new("dingtalk.stream.type", type), new("dingtalk.stream.topic", topic));

    public void Acked(bool sent) => _connections.Acked(sent, _app);

    // Reasons carry details (seconds, socket errors); the tag keeps their kind only, so its values stay few.
    private static string Reason(string reason) =>
        reason == "start" ? "start"
        : reason.Contains("disconnect", StringComparison.Ordinal) ? "disconnect"
        : reason.StartsWith("no frame", StringComparison.Ordinal) ? ConnectionTelemetry.ReasonTag(LivenessFailure.Silence)
        : reason.StartsWith("no server ping", StringComparison.Ordinal) ? ConnectionTelemetry.ReasonTag(LivenessFailure.ServerPingsMissed)
        : reason.StartsWith("deaf", StringComparison.Ordinal) ? ConnectionTelemetry.ReasonTag(LivenessFailure.Deaf)
        : reason.StartsWith("closed", StringComparison.Ordinal) ? "closed"
        : "lost";

    public void Dispose() => _connections.Dispose();
}
