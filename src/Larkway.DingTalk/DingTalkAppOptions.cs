namespace Larkway.DingTalk;

/// <summary>One DingTalk app (an internal app of an organisation): its credentials and how the client calls DingTalk.</summary>
public sealed class DingTalkAppOptions
{
    /// <summary>The app's AppKey (also its Client ID), e.g. <c>dingxxxxxxxxxxxxxxxx</c>.</summary>
    public string AppKey { get; set; } = "";

    /// <summary>The app's AppSecret (Client Secret). Never logged.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The app's robot code, for app-robot sends; an internal app's robot code is its AppKey, the default.</summary>
    public string? RobotCode { get; set; }

    /// <summary>The app's AgentId, for work notifications (the app's basic information page).</summary>
    public long? AgentId { get; set; }

    /// <summary>The new API's host (<see cref="DingTalkBaseUrls.Api"/>, or an emulator's).</summary>
    public Uri ApiBaseUrl { get; set; } = DingTalkBaseUrls.Api;

    /// <summary>The old API's host (<see cref="DingTalkBaseUrls.Oapi"/>, or an emulator's).</summary>
    public Uri OapiBaseUrl { get; set; } = DingTalkBaseUrls.Oapi;

    /// <summary>Where a browser signs a person in (<see cref="DingTalkBaseUrls.Login"/>, or an emulator's).</summary>
    public Uri LoginBaseUrl { get; set; } = DingTalkBaseUrls.Login;

    /// <summary>The time limit of each attempt (a retried call may take longer in all).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How failed calls are retried.</summary>
    public DingTalkRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// How long before its expiry a token is replaced (DingTalk's tokens live 7,200 s). A token living less than twice
    /// this is replaced at half its life instead.
    /// </summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    internal string EffectiveRobotCode => string.IsNullOrEmpty(RobotCode) ? AppKey : RobotCode;

    internal DingTalkAppOptions Clone() => new()
    {
        AppKey = AppKey,
        AppSecret = AppSecret,
        RobotCode = RobotCode,
        AgentId = AgentId,
        ApiBaseUrl = ApiBaseUrl,
        OapiBaseUrl = OapiBaseUrl,
        LoginBaseUrl = LoginBaseUrl,
        Timeout = Timeout,
        Retry = Retry.Clone(),
        TokenRefreshMargin = TokenRefreshMargin,
    };

    /// <summary>Throws when the options cannot work, saying which one to fix.</summary>
    internal void ThrowIfInvalid()
    {
        if (string.IsNullOrWhiteSpace(AppKey) || string.IsNullOrWhiteSpace(AppSecret))
        {
            throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest,
                "DingTalkAppOptions needs AppKey and AppSecret (the app's credentials page in the DingTalk developer console).");
        }

        DingTalkRetryOptions.ThrowIfNotHttp(ApiBaseUrl, nameof(ApiBaseUrl));
        DingTalkRetryOptions.ThrowIfNotHttp(OapiBaseUrl, nameof(OapiBaseUrl));
        DingTalkRetryOptions.ThrowIfNotHttp(LoginBaseUrl, nameof(LoginBaseUrl));
        Retry.ThrowIfInvalid();
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("DingTalkAppOptions.Timeout must be positive.", nameof(Timeout));
        }

        if (TokenRefreshMargin < TimeSpan.Zero)
        {
            throw new ArgumentException("DingTalkAppOptions.TokenRefreshMargin cannot be negative.", nameof(TokenRefreshMargin));
        }
    }
}

/// <summary>
/// Retries with exponential back-off and jitter. A call is retried when DingTalk refused it for its rate (it was not
/// carried out, so any call may be sent again), and — for calls safe to repeat only — on 5xx, "system busy", timeouts
/// and transport failures. A message send that timed out is not sent twice.
/// </summary>
public sealed class DingTalkRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retries off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first back-off, doubled for each further retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Randomises back-offs so that many clients do not retry in step.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>A rate limit that asks for a longer wait than this fails at once (with <see cref="Larkway.Clients.LarkwayApiException.RetryAfter"/>).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    internal DingTalkRetryOptions Clone() => (DingTalkRetryOptions)MemberwiseClone();

    internal void ThrowIfInvalid()
    {
        if (MaxRetries < 0 || BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay || MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException("DingTalkRetryOptions: MaxRetries and the delays cannot be negative, and MaxDelay must be at least BaseDelay.");
        }
    }

    internal static void ThrowIfNotHttp(Uri? url, string name)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{name} must be an absolute http(s) URL, e.g. https://api.dingtalk.com.", name);
        }
    }
}
