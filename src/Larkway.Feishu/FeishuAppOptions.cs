namespace Larkway.Feishu;

/// <summary>
/// One Open Platform app: its credentials, the host it talks to, and how its calls are timed out,
/// retried and rate-limited. Named per app (<c>Feishu</c> section for the default app,
/// <c>Feishu:Apps:{name}</c> for the others).
/// </summary>
public sealed class FeishuAppOptions
{
    /// <summary>Configuration section of the default app.</summary>
    public const string SectionName = "Feishu";

    /// <summary>Environment variable that supplies <see cref="AppId"/> of the default app.</summary>
    public const string AppIdVariable = "FEISHU_APP_ID";

    /// <summary>Environment variable that supplies <see cref="AppSecret"/> of the default app.</summary>
    public const string AppSecretVariable = "FEISHU_APP_SECRET";

    /// <summary>Environment variable that supplies <see cref="BaseUrl"/> of the default app.</summary>
    public const string BaseUrlVariable = "FEISHU_BASE_URL";

    /// <summary>The app id (<c>cli_…</c>).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The app secret. Never logged.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The Open Platform host: <see cref="FeishuBaseUrls.Feishu"/> (default), <see cref="FeishuBaseUrls.Lark"/> or any absolute http(s) URL.</summary>
    public Uri BaseUrl { get; set; } = FeishuBaseUrls.Feishu;

    /// <summary>
    /// How the app gets its tokens. Only <see cref="FeishuAppType.SelfBuilt"/> is implemented;
    /// <see cref="FeishuAppType.Store"/> is reserved for the app_ticket flow (see <see cref="IAppTicketStore"/>).
    /// </summary>
    public FeishuAppType AppType { get; set; } = FeishuAppType.SelfBuilt;

    /// <summary>Time allowed for one HTTP attempt (default 30 s). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A cached token is treated as expired this long before its real expiry (default 3 min, as the official SDKs do).</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries of transient failures.</summary>
    public FeishuRetryOptions Retry { get; set; } = new();

    /// <summary>Client-side rate limits, applied before a request leaves the process.</summary>
    public FeishuRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>How bitable calls are batched, paced and serialised.</summary>
    public Bitable.BitableOptions Bitable { get; set; } = new();

    /// <summary>How docs, wiki and drive calls are paced.</summary>
    public Docs.DocsOptions Docs { get; set; } = new();

    internal FeishuAppOptions Clone() => new()
    {
        AppId = AppId,
        AppSecret = AppSecret,
        BaseUrl = BaseUrl,
        AppType = AppType,
        Timeout = Timeout,
        TokenRefreshMargin = TokenRefreshMargin,
        Retry = Retry.Clone(),
        RateLimit = RateLimit.Clone(),
        Bitable = Bitable.Clone(),
        Docs = Docs.Clone(),
    };
}

/// <summary>How an app obtains its access tokens.</summary>
public enum FeishuAppType
{
    /// <summary>A self-built (企业自建) app: tokens from <c>app_id</c> + <c>app_secret</c> alone.</summary>
    SelfBuilt,

    /// <summary>
    /// A store (商店) app: tokens need the <c>app_ticket</c> pushed by the platform and a tenant key.
    /// Reserved: the options and <see cref="IAppTicketStore"/> exist, the token flow is not implemented yet,
    /// and a client for such an app fails with <see cref="FeishuErrorCodes.InvalidRequest"/>.
    /// </summary>
    Store,
}

/// <summary>Retry of transient failures (HTTP 429 / code 99991400, 5xx, timeouts, transport errors).</summary>
public sealed class FeishuRetryOptions
{
    /// <summary>Retries after the first attempt (default 3; 0 disables retries).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay; doubles per retry, with jitter (default 500 ms).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of one back-off delay (default 30 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether back-off delays are randomised (default true) so that many clients do not retry in step.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// The longest <c>x-ogw-ratelimit-reset</c> wait honoured (default 60 s). A longer requested wait is
    /// not retried: the call fails at once with <see cref="Larkway.Clients.LarkwayApiException.RetryAfter"/> set.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    internal FeishuRetryOptions Clone() => (FeishuRetryOptions)MemberwiseClone();
}

/// <summary>
/// Client-side limits on message sends, matching the platform's (50/s and 1,000/min per app, 5/s per user or chat).
/// Bursts wait in a queue instead of failing.
/// </summary>
public sealed class FeishuRateLimitOptions
{
    /// <summary>Whether the limits apply (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Message sends per second for the whole app (default 50).</summary>
    public int MessagesPerSecond { get; set; } = 50;

    /// <summary>Message sends per minute for the whole app (default 1,000); at least <see cref="MessagesPerSecond"/>.</summary>
    public int MessagesPerMinute { get; set; } = 1000;

    /// <summary>Message sends per second to one receiver (user or chat) (default 5).</summary>
    public int MessagesPerSecondPerReceiver { get; set; } = 5;

    /// <summary>Calls allowed to wait for a permit (message sends, and each paced bitable endpoint) before a call fails locally (default 10,000).</summary>
    public int QueueLimit { get; set; } = 10_000;

    internal FeishuRateLimitOptions Clone() => (FeishuRateLimitOptions)MemberwiseClone();
}
