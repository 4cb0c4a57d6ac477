using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Larkway.Shared.Clients;

/// <summary>
/// The metrics of a platform's long connections on the <c>Larkway</c> meter, named once for the three:
/// <c>larkway.{prefix}.long_connection.connects</c> (connections opened, by <c>larkway.reason</c>: <c>start</c> or why the
/// one before ended), <c>.reconnects</c> (attempts to open another, by <c>larkway.outcome</c>), <c>.pushes</c> (what the
/// server pushed, by <c>larkway.outcome</c>), <c>.acks</c> (answers to pushes, by <c>larkway.outcome</c>: <c>sent</c>,
/// <c>lost</c>) and the gauge <c>.connected</c> (1 while a running client has an open connection, 0 while it connects
/// or reconnects). Each client adds its app's tags (and a push its platform's detail tags). docs/metrics.md lists them.
/// </summary>
/// <remarks>
/// One set of instruments per meter factory (a container): an observable gauge created per client would be several
/// instruments of one name. A client built without a factory gets a set of its own, on a meter it disposes.
/// </remarks>
internal sealed class ConnectionTelemetry : IDisposable
{
    private static readonly ConditionalWeakTable<IMeterFactory, ConnectionTelemetry> PerFactory = new();

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _connects;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _acks;
    private readonly ConcurrentDictionary<Tracker, byte> _running = new();

    private ConnectionTelemetry(Meter meter, bool owned, string platform, string prefix)
    {
        _ownedMeter = owned ? meter : null;
        var name = $"larkway.{prefix}.long_connection";
        _connects = meter.CreateCounter<long>($"{name}.connects", "{connection}", $"{platform} long connections opened, by the reason (start, or why the one before ended).");
        _reconnects = meter.CreateCounter<long>($"{name}.reconnects", "{attempt}", $"Attempts to open another {platform} long connection after one ended, by outcome (connected, failed).");
        _pushes = meter.CreateCounter<long>($"{name}.pushes", "{push}", $"What {platform} pushed over its long connections, by outcome.");
        _acks = meter.CreateCounter<long>($"{name}.acks", "{ack}", $"Answers to {platform}'s pushes, by outcome (sent, lost with the connection).");
        meter.CreateObservableGauge($"{name}.connected", Observe, "{connection}", $"1 while a running {platform} long-connection client has an open connection, 0 while it connects or reconnects.");
    }

    /// <summary>
    /// The instruments of <paramref name="meterFactory"/>'s <c>Larkway</c> meter (shared by every client of the container,
    /// not to be disposed by them), or a set of one's own when there is no factory (disposed with the client).
    /// </summary>
    /// <param name="meterFactory">The container's meter factory, or null.</param>
    /// <param name="platform">The platform as it starts descriptions ("DingTalk").</param>
    /// <param name="prefix">The platform as it starts instrument names (<c>dingtalk</c>).</param>
    public static ConnectionTelemetry For(IMeterFactory? meterFactory, string platform, string prefix) => meterFactory is null
        ? new ConnectionTelemetry(new Meter(LarkwayInstruments.Name), owned: true, platform, prefix)
        : PerFactory.GetValue(meterFactory, f => new ConnectionTelemetry(f.Create(LarkwayInstruments.Name), owned: false, platform, prefix));

    /// <summary>Reports a running client on the <c>connected</c> gauge until the returned tracker is disposed.</summary>
    public IDisposable Track(Func<bool> isConnected, params KeyValuePair<string, object?>[] appTags)
    {
        var tracker = new Tracker(this, isConnected, appTags);
        _running.TryAdd(tracker, 0);
        return tracker;
    }

    /// <summary>A connection opened: <paramref name="reason"/> is <c>start</c> or why the connection it replaces ended (<see cref="ReasonTag"/>).</summary>
    public void Connected(string reason, KeyValuePair<string, object?>[] appTags)
    {
        if (_connects.Enabled)
        {
            _connects.Add(1, With(appTags, new("larkway.reason", reason)));
        }
    }

    /// <summary>An attempt to open a connection after one ended.</summary>
    public void Reconnected(bool connected, KeyValuePair<string, object?>[] appTags)
    {
        if (_reconnects.Enabled)
        {
            _reconnects.Add(1, With(appTags, new("larkway.outcome", connected ? "connected" : "failed")));
        }
    }

    /// <summary>A push and what became of it (<c>handled</c>, <c>failed</c>, <c>duplicate</c>, …), with the platform's detail tags.</summary>
    public void Pushed(string outcome, KeyValuePair<string, object?>[] appTags, params KeyValuePair<string, object?>[] details)
    {
        if (_pushes.Enabled)
        {
            _pushes.Add(1, With([.. appTags, .. details], new("larkway.outcome", outcome)));
        }
    }

    /// <summary>An answer to a push went out, or was lost with its connection.</summary>
    public void Acked(bool sent, KeyValuePair<string, object?>[] appTags)
    {
        if (_acks.Enabled)
        {
            _acks.Add(1, With(appTags, new("larkway.outcome", sent ? "sent" : "lost")));
        }
    }

    /// <summary>The tag value of a liveness failure, the same on every platform.</summary>
    public static string ReasonTag(LivenessFailure failure) => failure switch
    {
        LivenessFailure.Silence => "silence",
        LivenessFailure.UnansweredProbes => "unanswered_pings",
        LivenessFailure.ServerPingsMissed => "missed_server_pings",
        _ => "deaf",
    };

    public void Dispose() => _ownedMeter?.Dispose();

    private static KeyValuePair<string, object?>[] With(KeyValuePair<string, object?>[] tags, KeyValuePair<string, object?> last) => [.. tags, last];

    private IEnumerable<Measurement<int>> Observe()
    {
        foreach (var tracker in _running.Keys)
        {
            yield return new Measurement<int>(tracker.IsConnected() ? 1 : 0, tracker.AppTags);
        }
    }

    private sealed class Tracker(ConnectionTelemetry owner, Func<bool> isConnected, KeyValuePair<string, object?>[] appTags) : IDisposable
    {
        public Func<bool> IsConnected { get; } = isConnected;

        public KeyValuePair<string, object?>[] AppTags { get; } = appTags;

        public void Dispose() => owner._running.TryRemove(this, out _);
    }
}
