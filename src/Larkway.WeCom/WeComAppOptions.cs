namespace Larkway.WeCom;

/// <summary>One WeCom app (a self-built app of a corp): its credentials and how the client calls WeCom.</summary>
public sealed class WeComAppOptions
{
    /// <summary>The corp id (我的企业 → 企业信息 → 企业ID), e.g. <c>ww…</c>.</summary>
    public string CorpId { get; set; } = "";

    /// <summary>The app's Secret (the app's page → Secret), or the contacts-sync secret for directory calls. Never logged.</summary>
    public string CorpSecret { get; set; } = "";

    /// <summary>The app's AgentId, for app messages (the app's page).</summary>
    public long? AgentId { get; set; }

    /// <summary>WeCom's server API (<see cref="WeComBaseUrls.Api"/>, or an emulator's).</summary>
    public Uri ApiBaseUrl { get; set; } = WeComBaseUrls.Api;

    /// <summary>WeCom's web login host (<see cref="WeComBaseUrls.Login"/>, or an emulator's), for sign-in links.</summary>
    public Uri LoginBaseUrl { get; set; } = WeComBaseUrls.Login;

    /// <summary>WeCom's web authorization host (<see cref="WeComBaseUrls.OAuth"/>, or an emulator's), for sign-in links inside WeCom.</summary>
    public Uri OAuthBaseUrl { get; set; } = WeComBaseUrls.OAuth;

    /// <summary>The time limit of each attempt (a retried call may take longer in all).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How failed calls are retried.</summary>
    public WeComRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// How long before its expiry a token is replaced (WeCom's tokens live 7,200 s). A token living less than twice this
    /// is replaced at half its life instead.
    /// </summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    internal WeComAppOptions Clone() => new()
    {
        CorpId = CorpId,
        CorpSecret = CorpSecret,
        AgentId = AgentId,
        ApiBaseUrl = ApiBaseUrl,
        LoginBaseUrl = LoginBaseUrl,
        OAuthBaseUrl = OAuthBaseUrl,
        Timeout = Timeout,
        Retry = Retry.Clone(),
        TokenRefreshMargin = TokenRefreshMargin,
    };

    /// <summary>Throws when the options cannot work, saying which one to fix.</summary>
    internal void ThrowIfInvalid()
    {
        if (string.IsNullOrWhiteSpace(CorpId) || string.IsNullOrWhiteSpace(CorpSecret))
        {
            throw new WeComApiException(WeComErrorCodes.InvalidRequest,
                "WeComAppOptions needs CorpId (My Company → Company Information) and CorpSecret (the app's page in the WeCom admin console).");
        }

        WeComRetryOptions.ThrowIfNotHttp(ApiBaseUrl, nameof(ApiBaseUrl));
        WeComRetryOptions.ThrowIfNotHttp(LoginBaseUrl, nameof(LoginBaseUrl));
        WeComRetryOptions.ThrowIfNotHttp(OAuthBaseUrl, nameof(OAuthBaseUrl));
        Retry.ThrowIfInvalid();
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("WeComAppOptions.Timeout must be positive.", nameof(Timeout));
        }

        if (TokenRefreshMargin < TimeSpan.Zero)
        {
            throw new ArgumentException("WeComAppOptions.TokenRefreshMargin cannot be negative.", nameof(TokenRefreshMargin));
        }
    }
}

/// <summary>
/// Retries with exponential back-off and jitter. A call is retried when WeCom refused it for its rate (45009, or 45033 too many at once; it was not
/// carried out, so any call may be sent again), and — for calls safe to repeat only — on 5xx, "system busy" (-1),
/// timeouts and transport failures. A message send that got no answer is not sent twice unless it asked WeCom to drop
/// duplicates (<c>enable_duplicate_check</c>).
/// </summary>
public sealed class WeComRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retries off. WeCom advises at most 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first back-off, doubled for each further retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Randomises back-offs so that many clients do not retry in step.</summary>
    public bool UseJitter { get; set; } = true;

    internal WeComRetryOptions Clone() => (WeComRetryOptions)MemberwiseClone();

    internal void ThrowIfInvalid()
    {
        if (MaxRetries < 0 || BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            throw new ArgumentException("WeComRetryOptions: MaxRetries and the delays cannot be negative, and MaxDelay must be at least BaseDelay.");
        }
    }

    internal static void ThrowIfNotHttp(Uri? url, string name)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{name} must be an absolute http(s) URL, e.g. https://qyapi.weixin.qq.com.", name);
        }
    }
}
