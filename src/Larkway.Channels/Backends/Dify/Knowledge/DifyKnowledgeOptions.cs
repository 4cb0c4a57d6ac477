namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>One Dify workspace's knowledge API (datasets), reached with its knowledge API key.</summary>
public sealed class DifyKnowledgeOptions
{
    /// <summary>The service API's base URL, with its <c>/v1</c>: <c>https://api.dify.ai/v1</c> (the default) or a self-hosted one.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.dify.ai/v1");

    /// <summary>
    /// The knowledge API key (<c>dataset-…</c>: Dify → Knowledge → API → API key), sent as <c>Authorization: Bearer</c>.
    /// An app's key (<c>app-…</c>) does not open the knowledge API. Never logged.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// The most knowledge requests the client sends in any minute, or null to send them as they come. Dify Cloud plans
    /// limit knowledge requests per minute (over a sliding minute, refused ones counted too) and refuse the rest with
    /// HTTP 403; set the plan's limit here and the client spaces its calls (all calls of one client instance, retries
    /// included) so that no minute sees more. Default null.
    /// </summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// How many times a failed call is tried again when another attempt may succeed (rate-limit refusals, 5xx, timeouts,
    /// connection failures; a create only when nothing can have been created, see
    /// <see cref="DifyKnowledgeClient.CreateDocumentByTextAsync"/>). Default 4.
    /// </summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first retry's delay, doubled for each next one up to <see cref="MaxRetryDelay"/> and shortened at random by up to a quarter. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest back-off between attempts, and the longest <c>Retry-After</c> a 5xx answer may ask for (a longer one
    /// is not waited for: the call fails with <see cref="DifyKnowledgeException.RetryAfter"/>). Default 30 s. A rate-limit
    /// refusal is always waited out (the caller's cancellation bounds it).
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time limit of one attempt (request sent, answer read). Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws when the options cannot work, saying which one to fix.</summary>
    /// <exception cref="ArgumentException">An option is wrong; the message names it.</exception>
    public void ThrowIfInvalid()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"DifyKnowledgeOptions.BaseUrl must be the absolute http(s) URL of Dify's service API, such as https://api.dify.ai/v1; got '{BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("DifyKnowledgeOptions.ApiKey is empty: give the knowledge API key (dataset-…; in Dify: Knowledge → API → API key).");
        }

        if (ApiKey.StartsWith("app-", StringComparison.Ordinal))
        {
            throw new ArgumentException("DifyKnowledgeOptions.ApiKey is an app's key (app-…), which does not open the knowledge API: give the knowledge API key (dataset-…; in Dify: Knowledge → API → API key).");
        }

        if (RequestsPerMinute is <= 0)
        {
            throw new ArgumentException($"DifyKnowledgeOptions.RequestsPerMinute is {RequestsPerMinute}: give the plan's knowledge requests per minute (1 or more), or null for no pacing.");
        }

        if (MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException($"DifyKnowledgeOptions.MaxRetries is {MaxRetries}: give 0 to 10.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("DifyKnowledgeOptions.RetryBaseDelay and MaxRetryDelay may not be negative.");
        }

        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"DifyKnowledgeOptions.Timeout is {Timeout}: give a positive time (or Timeout.InfiniteTimeSpan).");
        }
    }

    internal DifyKnowledgeOptions Clone() => new()
    {
        BaseUrl = BaseUrl,
        ApiKey = ApiKey,
        RequestsPerMinute = RequestsPerMinute,
        MaxRetries = MaxRetries,
        RetryBaseDelay = RetryBaseDelay,
        MaxRetryDelay = MaxRetryDelay,
        Timeout = Timeout,
    };
}
