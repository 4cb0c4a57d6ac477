namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>One AI bot (智能机器人) the emulator knows: its id and secret, shown name, and how it receives messages.</summary>
public sealed class AiBotDefinition
{
    public string BotId { get; set; } = AiBotOptions.DefaultBotId;

    /// <summary>The long-connection secret: a fixed development value, never a real credential.</summary>
    public string Secret { get; set; } = AiBotOptions.DefaultSecret;

    public string Name { get; set; } = "Larkway AI Bot";

    /// <summary>
    /// Set when the bot is configured for URL-callback mode from the options: the two modes are exclusive per bot, as on
    /// WeCom, so its long-connection subscribes are refused. Deliveries need the Token and EncodingAESKey too, so they are
    /// configured through <c>POST /_emulator/wecom/aibot/callback</c> (which verifies the URL as WeCom's console does).
    /// Null (default): the bot is in long-connection mode.
    /// </summary>
    public string? CallbackUrl { get; set; }
}

/// <summary>
/// The WeCom AI bot: its long-connection endpoint (<see cref="WebSocketPath"/>), the bots, and the platform's windows and
/// limits. Defaults follow WeCom's documentation and the official SDK; tests shrink the windows (on the injected clock).
/// </summary>
public sealed class AiBotOptions
{
    /// <summary>The default bot's id (WeCom shows bot ids as opaque strings).</summary>
    public const string DefaultBotId = "aibemulatorbot000001";

    /// <summary>The default bot's secret: a fixed development value.</summary>
    public const string DefaultSecret = "larkway-emulator-wecom-aibot-dev-secret-0001";

    /// <summary>
    /// Where the long connection is served. WeCom's is the root of <c>wss://openws.work.weixin.qq.com</c>; the emulator
    /// serves it at its own path, so point the SDK's <c>wsUrl</c> at <c>ws://&lt;emulator&gt;/wecom-aibot/ws</c>. (Not under
    /// <c>/wecom</c>: that prefix is qyapi's, whose gate answers anything that is not a cgi-bin API.)
    /// </summary>
    public string WebSocketPath { get; set; } = "/wecom-aibot/ws";

    /// <summary>The bots admitted; the default one if left empty.</summary>
    public IList<AiBotDefinition> Bots { get; } = [];

    /// <summary>The users that may write to the bots (userid → name); the WeCom corp's members if left empty.</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long after a user's message replies (stream frames) are accepted: 6 minutes on WeCom.</summary>
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>How long after <c>enter_chat</c> a welcome may be sent, and after <c>template_card_event</c> a card updated: 5 s.</summary>
    public TimeSpan EventReplyWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest stream content, in UTF-8 bytes (20480 on WeCom).</summary>
    public int MaxStreamContentBytes { get; set; } = 20480;

    /// <summary>The largest upload chunk before base64 (512 KB) and the most chunks (100).</summary>
    public int MaxChunkBytes { get; set; } = 512 * 1024;

    public int MaxChunks { get; set; } = 100;

    /// <summary>How long an uploaded media_id lives (3 days).</summary>
    public TimeSpan MediaLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// URL-callback mode: how often WeCom asks for more of an unfinished stream reply (a stream-refresh callback). WeCom does
    /// not document the interval; 1 s is what bots in production observe. Tests shorten it. Real time (the polls are network
    /// traffic); the 6-minute bound (<see cref="ReplyWindow"/>) is measured on the emulator's clock.
    /// </summary>
    public TimeSpan CallbackPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>URL-callback mode: how long the bot's server has to answer a callback POST (5 s, as every WeCom callback).</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>URL-callback mode: the URL check when the URL is saved must be answered within 1 s (documented).</summary>
    public TimeSpan CallbackVerifyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// URL-callback mode: the pauses before WeCom's three retries of a message POST that failed to connect or timed out
    /// (stream refreshes are not retried: the next poll is their retry).
    /// </summary>
    public IReadOnlyList<TimeSpan> CallbackRetryDelays { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    /// <summary>How long a message's <c>response_url</c> takes its one reply (1 hour, documented).</summary>
    public TimeSpan ResponseUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    internal IReadOnlyList<AiBotDefinition> EffectiveBots() => Bots.Count > 0 ? [.. Bots] : [new AiBotDefinition()];

    internal IReadOnlyDictionary<string, string> EffectiveUsers() => new Dictionary<string, string>(Users, StringComparer.Ordinal);
}
