namespace Larkway.Channels.Backends.Dify;

/// <summary>One Dify app (chat, agent or chatflow) reached through its service API.</summary>
public sealed class DifyBackendOptions : AssistantBackendOptions
{
    /// <summary>The service API's base URL, with its <c>/v1</c>: <c>https://api.dify.ai/v1</c> (the default) or a self-hosted one.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.dify.ai/v1");

    /// <summary>The app's API key (<c>app-…</c>), sent as <c>Authorization: Bearer</c>. Never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// When the conversation to continue is gone for this user (HTTP 404), start a new one, once, and report it with
    /// <see cref="AssistantConversationRestarted"/>. When false the answer fails with
    /// <see cref="AssistantFailureKind.ConversationNotFound"/>. Default true.
    /// </summary>
    public bool RestartMissingConversation { get; set; } = true;

    /// <summary>
    /// When the caller stops reading an answer before its end (cancels, or disposes the stream), tell Dify to stop the task
    /// (<c>POST /chat-messages/{task_id}/stop</c>): closing the connection alone leaves it generating. Default true.
    /// </summary>
    public bool StopOnCancel { get; set; } = true;

    /// <summary>The time limit of a stop call. Default 5 s.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when the options cannot work, saying which one to fix.</summary>
    internal void ThrowIfInvalid()
    {
        ThrowIfInvalidShared(nameof(DifyBackendOptions));
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"DifyBackendOptions.BaseUrl must be the absolute http(s) URL of Dify's service API, such as https://api.dify.ai/v1; got '{BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("DifyBackendOptions.ApiKey is empty: give the app's API key (the app's \"API Access\" page in Dify, app-…).");
        }

        if (StopTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DifyBackendOptions.StopTimeout is {StopTimeout}: give a positive time.");
        }
    }

    internal DifyBackendOptions Clone() => new()
    {
        Name = Name,
        FirstTokenTimeout = FirstTokenTimeout,
        IdleTimeout = IdleTimeout,
        TotalTimeout = TotalTimeout,
        MaxRetries = MaxRetries,
        RetryBaseDelay = RetryBaseDelay,
        MaxRetryDelay = MaxRetryDelay,
        BaseUrl = BaseUrl,
        ApiKey = ApiKey,
        RestartMissingConversation = RestartMissingConversation,
        StopOnCancel = StopOnCancel,
        StopTimeout = StopTimeout,
    };
}
