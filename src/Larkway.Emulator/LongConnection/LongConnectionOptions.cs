namespace Larkway.Emulator.LongConnection;

/// <summary>
/// The long-connection (WebSocket) endpoint's knobs. The four <c>ClientConfig</c> values are sent to
/// clients in seconds, as Feishu sends them; tests shrink them.
/// </summary>
public sealed class LongConnectionOptions
{
    /// <summary>Seconds between client pings (Feishu: 120).</summary>
    public int PingIntervalSeconds { get; set; } = 120;

    /// <summary>Seconds between reconnect attempts (Feishu: 120).</summary>
    public int ReconnectIntervalSeconds { get; set; } = 120;

    /// <summary>Upper bound of the random first reconnect delay, seconds (Feishu: 30).</summary>
    public int ReconnectNonceSeconds { get; set; } = 30;

    /// <summary>Reconnect attempts before a client gives up; -1 = forever (Feishu: -1).</summary>
    public int ReconnectCount { get; set; } = -1;

    /// <summary>Live connections per app; one more is refused with 514 / 1000040350 (the documented limit is 50).</summary>
    public int MaxConnectionsPerApp { get; set; } = 50;

    /// <summary>How long a ticket from <c>/callback/ws/endpoint</c> stays usable (it is single-use either way); on the injected clock.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a client has to ack an event frame before it is sent again (to any live connection).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sends of one event before the emulator gives up on it (timeouts, 500 acks and dropped connections all count).</summary>
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>Largest payload of one frame; a longer event is split into <c>sum</c> fragments.</summary>
    public int MaxFramePayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Sends fragments last to first, so tests can check that clients reassemble by <c>seq</c>.</summary>
    public bool SendFragmentsOutOfOrder { get; set; }
}
