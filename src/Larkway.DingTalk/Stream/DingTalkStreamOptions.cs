namespace Larkway.DingTalk.Stream;

/// <summary>
/// A Stream mode connection of one app: its credentials, what it subscribes to, and the liveness rule that keeps it from
/// going deaf. The defaults suit production; tests shorten them.
/// </summary>
public sealed class DingTalkStreamOptions
{
    /// <summary>The app's AppKey (Client ID).</summary>
    public string AppKey { get; set; } = "";

    /// <summary>The app's AppSecret (Client Secret). Never logged.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The new API's host, where connections are opened (<see cref="DingTalkBaseUrls.Api"/> or an emulator's).</summary>
    public Uri ApiBaseUrl { get; set; } = DingTalkBaseUrls.Api;

    /// <summary>What DingTalk pushes on the connection. Empty means robot messages, card callbacks and every event.</summary>
    public IList<DingTalkStreamSubscription> Subscriptions { get; } = [];

    /// <summary>
    /// Connections held open at once (1–4, default 2). DingTalk pushes each message to one of an app's connections, and
    /// stops pushing to one the moment it announces <c>disconnect</c> or the socket drops; robot messages pushed while
    /// the app has no connection are lost. With a second connection there is always somewhere to push while one is
    /// replaced.
    /// </summary>
    public int Connections { get; set; } = 2;

    /// <summary>
    /// With several connections: one that has had none of the last this-many pushes (all went to the others) is taken
    /// for deaf and replaced. DingTalk spreads pushes evenly, so with two connections 20 in a row happen by chance about
    /// once in a million. 0 turns the rule off.
    /// </summary>
    public int DeafStreak { get; set; } = 20;

    /// <summary>
    /// A connection that has missed <see cref="DeafStreak"/> pushes in a row is taken for deaf only when it still gets
    /// none for this long afterwards (default 1 s) while pushes keep reaching the others. Two connections are read by two
    /// loops, and under load one can fall behind the other — at 1,000 pushes a second, 20 ms is a streak of 20 — while
    /// its pushes wait, unread, in its socket; a deaf connection misses every push for as long as it is deaf. Zero judges
    /// on the streak alone.
    /// </summary>
    public TimeSpan DeafConfirmation { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A connection that has received no frame at all for this long is replaced (default 60 s). It is the rule until the
    /// connection has seen two of the server's pings; from then on <see cref="MissedServerPings"/> is the quicker one.
    /// </summary>
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The client's probe of the server: DingTalk pings each connection at its own cadence (a SYSTEM <c>ping</c> the
    /// application must answer), and the client learns that cadence from the gap between two pings on the connection.
    /// When this many pings in a row fail to come — no ping and no other frame for this many gaps plus one — the
    /// connection is replaced (default 1: two gaps, so one ping late or lost is forgiven). A half-open socket, which
    /// still answers WebSocket pings but gets nothing from DingTalk, is found this way whether or not pushes come.
    /// DingTalk does not document its cadence, so it is learned rather than assumed. 0 turns the rule off.
    /// </summary>
    public int MissedServerPings { get; set; } = 1;

    /// <summary>How often the client pings the server at the WebSocket level.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A ping not answered within this long marks the connection dead: a half-open socket is found within interval + timeout.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed attempt to connect, doubled each time (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts to connect.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a replaced connection that still works is kept open, so acks of frames it delivered can still go out.</summary>
    public TimeSpan ReplacedConnectionGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a message id is remembered: a frame DingTalk pushes again within it is acked again without reaching the handler.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Frames handled at once; more wait (pings are answered regardless).</summary>
    public int MaxConcurrentHandlers { get; set; } = 16;

    /// <summary>The time limit of opening a connection (the ticket request, then the WebSocket handshake).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent as <c>ua</c> when opening a connection.</summary>
    public string UserAgent { get; set; } = "larkway-dotnet/0.1";

    internal IReadOnlyList<DingTalkStreamSubscription> EffectiveSubscriptions =>
        Subscriptions.Count > 0 ? [.. Subscriptions] : [DingTalkStreamSubscription.RobotMessages, DingTalkStreamSubscription.CardCallbacks, DingTalkStreamSubscription.AllEvents];

    internal void ThrowIfInvalid()
    {
        if (string.IsNullOrWhiteSpace(AppKey) || string.IsNullOrWhiteSpace(AppSecret))
        {
            throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest,
                "DingTalkStreamOptions needs AppKey and AppSecret (the app's credentials page in the DingTalk developer console).");
        }

        DingTalkRetryOptions.ThrowIfNotHttp(ApiBaseUrl, nameof(ApiBaseUrl));
        if (SilenceTimeout <= TimeSpan.Zero || KeepAliveInterval <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("DingTalkStreamOptions: SilenceTimeout, KeepAliveInterval, KeepAliveTimeout and ConnectTimeout must be positive.");
        }

        if (ReconnectBaseDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectBaseDelay || ReplacedConnectionGrace < TimeSpan.Zero || DuplicateWindow < TimeSpan.Zero
            || DeafConfirmation < TimeSpan.Zero)
        {
            throw new ArgumentException("DingTalkStreamOptions: ReconnectBaseDelay must be positive, ReconnectMaxDelay at least ReconnectBaseDelay, and the grace, the duplicate window and DeafConfirmation not negative.");
        }

        if (MissedServerPings < 0)
        {
            throw new ArgumentException("DingTalkStreamOptions.MissedServerPings must not be negative (0 turns the rule off).", nameof(MissedServerPings));
        }

        if (Connections is < 1 or > 4)
        {
            throw new ArgumentException("DingTalkStreamOptions.Connections must be 1 to 4.", nameof(Connections));
        }

        if (MaxConcurrentHandlers < 1)
        {
            throw new ArgumentException("DingTalkStreamOptions.MaxConcurrentHandlers must be at least 1.", nameof(MaxConcurrentHandlers));
        }

        foreach (var subscription in EffectiveSubscriptions)
        {
            if (subscription.Type is not ("EVENT" or "CALLBACK") || string.IsNullOrWhiteSpace(subscription.Topic))
            {
                throw new ArgumentException($"A Stream subscription needs type EVENT or CALLBACK and a topic, not '{subscription.Type}' / '{subscription.Topic}'.", nameof(Subscriptions));
            }
        }
    }
}

/// <summary>One subscription of a Stream connection: a frame type and a topic.</summary>
public sealed record DingTalkStreamSubscription(string Type, string Topic)
{
    /// <summary>Messages sent to the app's robot (<c>/v1.0/im/bot/messages/get</c>). DingTalk never pushes these twice.</summary>
    public static DingTalkStreamSubscription RobotMessages { get; } = new("CALLBACK", DingTalkStreamTopics.RobotMessages);

    /// <summary>Clicks and inputs on interactive cards (<c>/v1.0/card/instances/callback</c>).</summary>
    public static DingTalkStreamSubscription CardCallbacks { get; } = new("CALLBACK", DingTalkStreamTopics.CardCallbacks);

    /// <summary>Every event the app subscribed to in the developer console (topic <c>*</c>).</summary>
    public static DingTalkStreamSubscription AllEvents { get; } = new("EVENT", "*");
}

/// <summary>Stream topics.</summary>
public static class DingTalkStreamTopics
{
    /// <summary>Robot messages.</summary>
    public const string RobotMessages = "/v1.0/im/bot/messages/get";

    /// <summary>Messages to a robot acting for a user.</summary>
    public const string RobotDelegateMessages = "/v1.0/im/bot/messages/delegate";

    /// <summary>Interactive card callbacks.</summary>
    public const string CardCallbacks = "/v1.0/card/instances/callback";

    /// <summary>SYSTEM: the server's liveness ping, echoed.</summary>
    public const string Ping = "ping";

    /// <summary>SYSTEM: the server will stop delivering on this connection and close it.</summary>
    public const string Disconnect = "disconnect";
}
