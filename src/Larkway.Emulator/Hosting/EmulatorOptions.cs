using Larkway.Emulator.LongConnection;

namespace Larkway.Emulator.Hosting;

/// <summary>How to start an emulator. Defaults give a working tenant with no configuration.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The app registered by default: <c>cli_</c> + 16 hex digits.</summary>
    public const string DefaultAppId = "cli_a1b2c3d4e5f60001";

    /// <summary>A fixed development secret (32 chars); never a real credential.</summary>
    public const string DefaultDevSecret = "larkway-emulator-dev-secret-0001";

    public string AppId { get; set; } = DefaultAppId;

    public string AppSecret { get; set; } = DefaultDevSecret;

    public string BotName { get; set; } = "Larkway Bot";

    /// <summary>A JSON seed file (docs/emulator.md); null seeds the default tenant.</summary>
    public string? SeedFile { get; set; }

    /// <summary>
    /// A JSON file the tenant is kept in across restarts (docs/emulator.md, "State file"); null (default) keeps it in memory
    /// only. Present at start: read instead of the seed. Absent: seeded, then written. Unreadable: renamed to
    /// <c>&lt;file&gt;.corrupt-&lt;UTC time&gt;</c> with one warning, and the start goes on from the seed.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>How long after a change the state file is written (changes meanwhile are written together); also on stop.</summary>
    public TimeSpan StateSaveDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Explicit Kestrel URLs (e.g. "http://0.0.0.0:8787"); when null, 127.0.0.1 on <see cref="Port"/>.</summary>
    public string? Urls { get; set; }

    /// <summary>Port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// A second listener serving everything over https/wss, on the HTTP listener's host (127.0.0.1 unless <see cref="Urls"/>
    /// names another); 0 picks a free port. Null (default): no TLS — plain http/ws is what most clients need, and a
    /// certificate to trust is a step only clients that refuse plain connections should cost.
    /// </summary>
    public int? HttpsPort { get; set; }

    /// <summary>
    /// A second plain-HTTP listener that serves DingTalk's API at the root of its host, as api.dingtalk.com and
    /// oapi.dingtalk.com do (<c>/v1.0/…</c>, <c>/gettoken</c>, <c>/topapi/…</c>), for clients that take only a host and no
    /// path, such as Alibaba's generated <c>@alicloud/dingtalk</c>. On the HTTP listener's host; 0 picks a free port.
    /// Null (default): off — DingTalk stays under <c>/dingtalk</c> on the main listener, which is served either way.
    /// </summary>
    public int? DingTalkApiPort { get; set; }

    /// <summary>Host names (or addresses) the TLS certificate names besides localhost, 127.0.0.1 and ::1.</summary>
    public IReadOnlyList<string> TlsHostNames { get; set; } = [];

    /// <summary>
    /// Where the TLS certificate authority and server certificate are kept (PEM); null: the state file's folder when there
    /// is one, else a per-user folder (<see cref="EmulatorTls.FolderFor"/>).
    /// </summary>
    public string? TlsFolder { get; set; }

    /// <summary>
    /// Changes the emulator's logging after its defaults (console, <c>Microsoft.*</c> at warning), e.g. a host writing a
    /// JSON log to the same standard output adds its JSON console formatter here.
    /// </summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>The clock for tokens, timestamps, windows and rate limits; tests inject a manual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Turns the API, per-receiver and webhook rate limits off (e.g. for load benchmarks).</summary>
    public bool EnforceRateLimits { get; set; } = true;

    /// <summary>The tenant admin's recall window (the doc leaves it configurable).</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Event redelivery back-off after a failed attempt (documented: 15 s, 5 min, 1 h, 6 h); tests compress it.</summary>
    public IReadOnlyList<TimeSpan> EventRetryDelays { get; set; } =
        [TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    /// <summary>How long a subscriber has to answer HTTP 200 (Feishu: 3 s); applies to url_verification too.</summary>
    public TimeSpan EventDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a card callback may take before the user sees an error (Feishu: 3 s); tests shorten it.</summary>
    public TimeSpan CardCallbackTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// CardKit: card- and element-level operations a second on one card entity (documented: 10) before 429 / 99991400.
    /// 0 turns the limit off; so does <see cref="EnforceRateLimits"/> = false.
    /// </summary>
    public int CardKitOperationsPerSecond { get; set; } = 10;

    /// <summary>CardKit: a card's streaming mode closes itself this long after it was last switched on (documented: 10 minutes).</summary>
    public TimeSpan CardKitStreamingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>TCP connect timeout when pushing events (2 s).</summary>
    public TimeSpan EventConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The long-connection (WebSocket) event endpoint: ClientConfig, limits, ack timeout, fragmentation.</summary>
    public LongConnectionOptions LongConnection { get; set; } = new();

    /// <summary>The Bitable engine: batch and table limits, write serialisation, time zone, client_token window.</summary>
    public BitableOptions Bitable { get; set; } = new();

    /// <summary>The DingTalk org's internal app (<c>ding</c> + 16 lower-case letters/digits); it is also the app robot's robotCode.</summary>
    public const string DefaultDingTalkAppKey = "dinglarkwayemu000001";

    /// <summary>A fixed development secret for the DingTalk app; never a real credential.</summary>
    public const string DefaultDingTalkAppSecret = "larkway-emulator-dingtalk-dev-secret-0001";

    /// <summary>The emulated DingTalk org's corpId.</summary>
    public const string DefaultDingTalkCorpId = "dinglarkwaydevcorp01";

    public string DingTalkAppKey { get; set; } = DefaultDingTalkAppKey;

    public string DingTalkAppSecret { get; set; } = DefaultDingTalkAppSecret;

    public string DingTalkCorpId { get; set; } = DefaultDingTalkCorpId;

    /// <summary>The internal app's agentId (oapi work notifications name the app by it).</summary>
    public long DingTalkAgentId { get; set; } = 3000000001;

    /// <summary>How long a DingTalk access token lives (documented: 7200 s); tests shorten it.</summary>
    public TimeSpan DingTalkTokenLifetime { get; set; } = TimeSpan.FromSeconds(7200);

    /// <summary>How long a custom group robot stays throttled after its 21st message within a minute (documented: 10 min).</summary>
    public TimeSpan DingTalkRobotThrottle { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many one-to-one messages the app robot may send one user within a minute before further ones land in
    /// <c>flowControlledStaffIdList</c>. DingTalk documents the list, not the number: 100 is a guess; tests lower it.
    /// </summary>
    public int DingTalkRobotUserMessagesPerMinute { get; set; } = 100;

    /// <summary>
    /// Per-app calls a second to <c>PUT /v1.0/card/streaming</c> before 403 QpsLimit (undocumented; ~20 was observed).
    /// Off with <see cref="EnforceRateLimits"/> = false.
    /// </summary>
    public int DingTalkCardStreamingQps { get; set; } = 20;

    /// <summary>
    /// Waits after a failed HTTP push to an app's server (outgoing robot messages, legacy events) before the next try.
    /// DingTalk retries failed pushes; its schedule is not documented (unsure), these are the emulator's. Tests compress it.
    /// </summary>
    public IReadOnlyList<TimeSpan> DingTalkCallbackRetryDelays { get; set; } = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)];

    /// <summary>How long an app's server has to answer an HTTP push (check_url: 1.5 s is documented; 3 s here for all, unsure).</summary>
    public TimeSpan DingTalkCallbackTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the web page waits for the app's answer to an interactive card click (unsure; Feishu's is 3 s).</summary>
    public TimeSpan DingTalkCardCallbackTimeout { get; set; } = TimeSpan.FromSeconds(3);

    // ---- WeCom (src/Larkway.Emulator/WeCom) ----

    /// <summary>The emulated WeCom corp's corpid (real ones are "ww" + 16 hex digits).</summary>
    public const string DefaultWeComCorpId = "wwa1b2c3d4e5f60718";

    /// <summary>A fixed development secret for the corp's self-built app; never a real credential.</summary>
    public const string DefaultWeComAppSecret = "larkway-emulator-wecom-dev-secret-000000001";

    /// <summary>The callback Token of the self-built app (1..32 letters/digits).</summary>
    public const string DefaultWeComCallbackToken = "LarkwayWeComDevToken";

    /// <summary>The callback EncodingAESKey (43 letters/digits; Base64 of the 32-byte AES key without its '=').</summary>
    public const string DefaultWeComEncodingAesKey = "LarkwayEmulatorWeComDevEncodingAesKey000000";

    /// <summary>The key of the group robot (消息推送) the corp's "Larkway Dev" group has: <c>/cgi-bin/webhook/send?key=</c>.</summary>
    public const string DefaultWeComRobotKey = "7b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";

    public string WeComCorpId { get; set; } = DefaultWeComCorpId;

    /// <summary>The self-built app's AgentId.</summary>
    public long WeComAgentId { get; set; } = 1000002;

    public string WeComAppSecret { get; set; } = DefaultWeComAppSecret;

    public string WeComCallbackToken { get; set; } = DefaultWeComCallbackToken;

    public string WeComEncodingAesKey { get; set; } = DefaultWeComEncodingAesKey;

    public string WeComRobotKey { get; set; } = DefaultWeComRobotKey;

    /// <summary>Where the app's callbacks go at start (also settable through <c>/_emulator/wecom/callback</c>); null: none.</summary>
    public Uri? WeComCallbackUrl { get; set; }

    /// <summary>How long a WeCom access token lives (documented: 7200 s); tests shorten it.</summary>
    public TimeSpan WeComTokenLifetime { get; set; } = TimeSpan.FromSeconds(7200);

    /// <summary>How long the app's server has to answer a callback (documented: 5 s, then WeCom drops the connection and retries).</summary>
    public TimeSpan WeComCallbackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits before each of WeCom's three retries of a callback that failed to connect or timed out (documented: "总共重试三次";
    /// the spacing is not documented: these are the emulator's). Tests compress them.
    /// </summary>
    public IReadOnlyList<TimeSpan> WeComCallbackRetryDelays { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    /// <summary>Group robot messages a minute per key before 45009 (documented: 20). Off with <see cref="EnforceRateLimits"/> = false.</summary>
    public int WeComRobotMessagesPerMinute { get; set; } = 20;

    /// <summary>App messages one member may receive from the app a minute; more are dropped silently (documented: 30/min).</summary>
    public int WeComMemberMessagesPerMinute { get; set; } = 30;

    // ---- DingTalk Stream mode (src/Larkway.Emulator/DingTalk/Stream) ----

    /// <summary>DingTalk Stream mode: the app it admits, ticket lifetime, pings, redelivery, disconnect grace.</summary>
    public DingTalk.Stream.DingTalkStreamOptions DingTalkStream { get; set; } = new();

    // ---- WeCom AI bot (src/Larkway.Emulator/WeCom/AiBot) ----

    /// <summary>The WeCom AI bot (智能机器人): its long-connection path, bots, users and windows.</summary>
    public WeCom.AiBot.AiBotOptions WeComAiBot { get; set; } = new();

    // ---- Fake AI backend (src/Larkway.Emulator/AiBackend) ----

    /// <summary>The fake AI backend: Dify-shaped (<c>/dify/v1</c>) and OpenAI-shaped (<c>/openai/v1</c>) chat, its keys, token rate and answer length.</summary>
    public AiBackend.AiBackendOptions AiBackend { get; set; } = new();
}
