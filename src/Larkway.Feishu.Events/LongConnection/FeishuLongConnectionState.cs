namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Where a <see cref="FeishuLongConnectionClient"/> is in its life.</summary>
public enum FeishuLongConnectionState
{
    /// <summary>Not running: before <see cref="FeishuLongConnectionClient.RunAsync"/> or after it returned.</summary>
    Stopped,

    /// <summary>The first discovery and handshake of a run.</summary>
    Connecting,

    /// <summary>A WebSocket is open and frames flow.</summary>
    Connected,

    /// <summary>The connection was lost (or the first attempt failed); waiting or trying again.</summary>
    Reconnecting,
}
