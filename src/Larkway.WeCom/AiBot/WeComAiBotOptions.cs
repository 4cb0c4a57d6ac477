namespace Larkway.WeCom.AiBot;

/// <summary>
/// The AI bot's long connection: its credentials and the liveness rule that keeps it from going deaf. The defaults are
/// WeCom's documented pace and suit production; tests shorten them.
/// </summary>
public sealed class WeComAiBotOptions
{
    /// <summary>The bot's id (the AI bot's page in the WeCom admin console, "API mode: long connection").</summary>
    public string BotId { get; set; } = "";

    /// <summary>The bot's secret for the long connection. Never logged.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Where to connect (<see cref="WeComBaseUrls.AiBotWebSocket"/>, or an emulator's <c>ws://</c> endpoint).</summary>
    public Uri WebSocketUrl { get; set; } = WeComBaseUrls.AiBotWebSocket;

    /// <summary>How often the client sends <c>ping</c> (WeCom's SDK: 30 s).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pings left unanswered in a row that mark the connection dead (default 2), <see cref="PongTimeout"/> after the last.</summary>
    public int MaxMissedPongs { get; set; } = 2;

    /// <summary>
    /// How long the answer to a <c>ping</c> may take. Null (the default): 5 s (a round trip, and room for a stalled
    /// process), or <see cref="PingInterval"/> when that is shorter.
    /// </summary>
    public TimeSpan? PongTimeout { get; set; }

    internal TimeSpan EffectivePongTimeout => PongTimeout ?? (PingInterval < TimeSpan.FromSeconds(5) ? PingInterval : TimeSpan.FromSeconds(5));

    /// <summary>
    /// When nothing at all has arrived for this long, the client pings at once, between its regular pings (default 5 s),
    /// so a half-open connection (pushes and answers vanish, the socket stays open) is found within about
    /// <see cref="MaxMissedPongs"/> × this + <see cref="PongTimeout"/> (15 s) however rarely anyone writes. A connection
    /// that receives callbacks is never pinged this way: the extra pings fall on idle connections only, one small frame
    /// per 5 s at most. <see cref="Timeout.InfiniteTimeSpan"/> (or zero) keeps to <see cref="PingInterval"/>, as WeCom's SDK does.
    /// </summary>
    public TimeSpan ProbeWhenIdle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A connection on which no frame at all has arrived for this long is replaced (default 60 s).</summary>
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>WebSocket-level keep-alive pings (a socket whose peer is gone is aborted within interval + timeout).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a WebSocket-level ping may go unanswered.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before reconnecting, doubled each time (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts to reconnect (default 30 s).</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time limit of opening a connection: the WebSocket handshake, then the subscribe's answer.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a reply waits for its ack before it fails (WeCom's SDK: 5 s); the next reply of the same req_id then goes.</summary>
    public TimeSpan ReplyAckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a message id is remembered: a message WeCom delivers again within it does not reach the handler twice.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Callbacks handled at once; more wait (pings go on regardless).</summary>
    public int MaxConcurrentHandlers { get; set; } = 16;

    /// <summary>
    /// The shortest time between two frames of one <see cref="WeComAiBotStream"/> (default 500 ms): text appended
    /// faster is sent together with the next frame, so a fast model does not flood the connection.
    /// </summary>
    public TimeSpan StreamMinInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    internal void ThrowIfInvalid()
    {
        if (string.IsNullOrWhiteSpace(BotId) || string.IsNullOrWhiteSpace(Secret))
        {
            throw new WeComApiException(WeComErrorCodes.InvalidRequest,
                "WeComAiBotOptions needs BotId and Secret (the AI bot's page in the WeCom admin console, with the API mode set to long connection).");
        }

        ArgumentNullException.ThrowIfNull(WebSocketUrl);
        if (!WebSocketUrl.IsAbsoluteUri || WebSocketUrl.Scheme is not ("wss" or "ws"))
        {
            throw new ArgumentException($"WeComAiBotOptions.WebSocketUrl must be an absolute ws:// or wss:// URL, not '{WebSocketUrl}'.", nameof(WebSocketUrl));
        }

        if (PingInterval <= TimeSpan.Zero || SilenceTimeout <= TimeSpan.Zero || KeepAliveInterval <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero
            || ConnectTimeout <= TimeSpan.Zero || ReplyAckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("WeComAiBotOptions: PingInterval, SilenceTimeout, KeepAliveInterval, KeepAliveTimeout, ConnectTimeout and ReplyAckTimeout must be positive.");
        }

        if (ReconnectBaseDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectBaseDelay || DuplicateWindow < TimeSpan.Zero || StreamMinInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("WeComAiBotOptions: ReconnectBaseDelay must be positive, ReconnectMaxDelay at least ReconnectBaseDelay, DuplicateWindow and StreamMinInterval not negative.");
        }

        if (PongTimeout <= TimeSpan.Zero || (ProbeWhenIdle < TimeSpan.Zero && ProbeWhenIdle != Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentException("WeComAiBotOptions: PongTimeout must be positive and ProbeWhenIdle not negative (zero or Timeout.InfiniteTimeSpan turns it off).");
        }

        if (MaxMissedPongs < 1)
        {
            throw new ArgumentException("WeComAiBotOptions.MaxMissedPongs must be at least 1.", nameof(MaxMissedPongs));
        }

        if (MaxConcurrentHandlers < 1)
        {
            throw new ArgumentException("WeComAiBotOptions.MaxConcurrentHandlers must be at least 1.", nameof(MaxConcurrentHandlers));
        }
    }
}
