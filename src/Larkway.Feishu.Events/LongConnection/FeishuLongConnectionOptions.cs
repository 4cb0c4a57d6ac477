using System.Diagnostics.Metrics;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Settings of one app's <see cref="FeishuLongConnectionClient"/>.</summary>
public sealed class FeishuLongConnectionOptions
{
    /// <summary>The app id (<c>cli_…</c>).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The app secret, sent only in the endpoint discovery request body and never logged.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The Open Platform base address (<c>https://open.feishu.cn</c>, <c>https://open.larksuite.com</c>, or an emulator).</summary>
    public Uri BaseUrl { get; set; } = new("https://open.feishu.cn");

    /// <summary>The configured app name stamped on every <see cref="Ingest.FeishuInboundEvent"/> (empty for the default app).</summary>
    public string AppName { get; set; } = "";

    /// <summary>Reconnect after a lost connection or a retryable failure (default true). When false, <see cref="FeishuLongConnectionClient.RunAsync"/> throws instead.</summary>
    public bool AutoReconnect { get; set; } = true;

    /// <summary>The reconnect and ping settings used until the server sends its own <c>ClientConfig</c>.</summary>
    public FeishuLongConnectionConfig InitialConfig { get; set; } = FeishuLongConnectionConfig.Default;

    /// <summary>
    /// Liveness: when nothing (not even a pong) arrives for this long, the connection is dropped and
    /// re-established. Null (the default) means three ping intervals, following the live ping interval;
    /// <see cref="Timeout.InfiniteTimeSpan"/> (or zero) turns the watchdog off.
    /// </summary>
    public TimeSpan? WatchdogTimeout { get; set; }

    /// <summary>
    /// Liveness: after a ping, when nothing at all (no pong, no event) comes back within this long, the connection is
    /// taken for dead and replaced. Default 5 s (a pong takes a round trip; the rest is room for a stalled process);
    /// <see cref="Timeout.InfiniteTimeSpan"/> (or zero) turns it off. A half-open socket is found within
    /// <see cref="ProbeWhenIdle"/> plus this.
    /// </summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Liveness: when nothing at all has arrived on a connection for this long, the client pings it at once, between the
    /// server's regular pings (every <c>PingInterval</c> of its <c>ClientConfig</c>, 120 s), and replaces it when the pong
    /// does not come within <see cref="PongTimeout"/>. Default 5 s, so a half-open socket (events and pongs vanish, the
    /// WebSocket stays open) is found within about 10 s however rarely events come. A connection that receives events is
    /// never pinged this way, so the extra pings fall on idle connections only: at most one small control frame per 5 s
    /// each. <see cref="Timeout.InfiniteTimeSpan"/> (or zero) leaves the server's cadence alone, as the official SDKs do.
    /// </summary>
    public TimeSpan ProbeWhenIdle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections held open at once (1–8, default 2). Feishu delivers each event to one of an app's connections at
    /// random and pushes it again later when it is not acknowledged, so nothing is lost while a connection is replaced;
    /// a second connection keeps events flowing meanwhile (no gap), and lets <see cref="DeafStreak"/> find a connection
    /// that stopped receiving. Each counts towards Feishu's limit of 50 connections per app.
    /// </summary>
    public int Connections { get; set; } = 2;

    /// <summary>
    /// With several connections: one that has had none of the last this-many events (all went to the others) is
    /// suspected of being deaf; if it still gets none for <see cref="DeafConfirmation"/> while events keep reaching the
    /// others, it is taken for deaf, closed and replaced. Feishu picks a connection at random, so with two connections 20
    /// in a row happen by chance about once in a million events; a false alarm costs one reconnect. 0 turns the rule off.
    /// </summary>
    public int DeafStreak { get; set; } = 20;

    /// <summary>
    /// A connection that has missed <see cref="DeafStreak"/> events in a row is taken for deaf only when it still gets
    /// none for this long afterwards, on <see cref="TimeProvider"/>'s clock, while events keep reaching the others
    /// (default 1 s; not negative). Each connection is read by its own loop, and under load one loop falls a few
    /// milliseconds behind the other — at 1,000 events a second, 20 ms is a streak of 20 — while its events wait, unread,
    /// in its healthy socket; closing it then costs a reconnect and delays them until Feishu pushes them again. A deaf
    /// connection misses every event for as long as it is deaf. Zero judges on the streak alone.
    /// </summary>
    public TimeSpan DeafConfirmation { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many events are handled at once (default 8). Card actions have a separate allowance of the same size, so they never wait behind slow events.</summary>
    public int MaxConcurrentHandlers { get; set; } = 8;

    /// <summary>Frames that may wait for a handler slot, per allowance, beyond those running; past that a frame is answered 500 at once (the server redelivers it later).</summary>
    internal int HandlerBacklog { get; set; } = 256;

    /// <summary>How many fragmented messages may wait for their missing fragments at once (default 64); the oldest is dropped to make room.</summary>
    public int MaxPendingFragmentedMessages { get; set; } = 64;

    /// <summary>The bytes held for incomplete fragmented messages in total (default 16 MiB); also the largest single WebSocket message accepted.</summary>
    public int MaxFragmentedMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>An incomplete fragmented message is dropped this long after its first fragment (default 10 s); the server redelivers unacknowledged events.</summary>
    public TimeSpan FragmentTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Optional. When set, every event's <c>header.token</c> (v2) or <c>token</c> (v1) must equal it (compared in
    /// constant time); events that do not are not handed to the sink and are answered with code 500.
    /// </summary>
    public string? VerificationToken { get; set; }

    /// <summary>The clock of every delay, timeout and handler duration.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the client's <c>Larkway</c> meter comes from: pass the container's factory under DI, so the connection's
    /// instruments are shared with the event endpoints and scoped to that container. Null: the client owns a meter.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>For tests: the handler of the endpoint discovery request (the WebSocket itself always uses its own).</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }
}
