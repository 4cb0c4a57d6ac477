namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// DingTalk Stream mode (<c>/dingtalk/v1.0/gateway/connections/open</c> and its WebSocket). Defaults follow the
/// platform; tests shrink the intervals. The credentials are fixed development values, never real ones.
/// </summary>
public sealed class DingTalkStreamOptions
{
    /// <summary>The default app's ClientId (AppKey); also its robotCode.</summary>
    public const string DefaultClientId = "dingemulatorstream01";

    /// <summary>The default app's ClientSecret: a fixed development value.</summary>
    public const string DefaultClientSecret = "larkway-emulator-dingtalk-stream-dev-secret-0001";

    /// <summary>The app <see cref="DefaultDingTalkStreamApps"/> admits (until the DingTalk org supplies its own apps).</summary>
    public string ClientId { get; set; } = DefaultClientId;

    public string ClientSecret { get; set; } = DefaultClientSecret;

    /// <summary>
    /// The corpId of this options' own app, written as <c>senderCorpId</c> and <c>eventCorpId</c> (the DingTalk org's apps
    /// carry the org's, <see cref="Hosting.EmulatorOptions.DingTalkCorpId"/>, in <c>eventCorpId</c>).
    /// </summary>
    public string CorpId { get; set; } = "dingemulatorcorp0001";

    /// <summary>What frames carry as <c>eventUnifiedAppId</c> (a unified app id is a UUID on DingTalk).</summary>
    public string UnifiedAppId { get; set; } = "5f3c1a2b-0d4e-4f60-8a71-0000e0a10001";

    /// <summary>How long a ticket from the gateway admits one WebSocket (DingTalk: 90 s, single use); on the injected clock.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Period of the server's SYSTEM <c>ping</c> frames.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive pings left unanswered before the server closes the connection.</summary>
    public int MissedPingsBeforeClose { get; set; } = 3;

    /// <summary>
    /// How long the server waits for an accepted ack after each push of an EVENT or a robot message before pushing it
    /// again with the same messageId: one entry per repeat, so it is pushed at most one more time than there are entries;
    /// after the last push it waits the last entry, then gives up. Empty: pushed once. DingTalk's schedule is not
    /// published; 10 s, 30 s, 60 s, 120 s is the one reported (docs/emulator.md, "DingTalk Stream: what the platform does").
    /// </summary>
    public IReadOnlyList<TimeSpan> RedeliveryDelays { get; set; } =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)];

    /// <summary>After a <c>disconnect</c> frame, how long the server waits before it closes the connection (DingTalk: 10 s).</summary>
    public TimeSpan DisconnectGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sends every connection a <c>disconnect</c> this long after it opened (the platform's load-balancer rotation); null = never.</summary>
    public TimeSpan? DisconnectEvery { get; set; }

    /// <summary>How long a robot message's <c>sessionWebhook</c> accepts replies (about 1.5 h on DingTalk).</summary>
    public TimeSpan SessionWebhookLifetime { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Entries the delivery log keeps (oldest dropped first): pings add one entry per interval per connection.</summary>
    public int DeliveryLogCapacity { get; set; } = 10_000;
}
