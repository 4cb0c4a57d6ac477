namespace Larkway.Channels.Backends.Dify;

/// <summary>
/// Dify's error codes (the <c>code</c> of an error answer or of a stream's <c>error</c> event), per its service API docs
/// and source, and the kind each one is.
/// </summary>
public static class DifyErrorCodes
{
    /// <summary>400: a parameter is wrong (also a <c>conversation_id</c> that is not a UUID).</summary>
    public const string InvalidParam = "invalid_param";

    /// <summary>400: the app's configuration is unavailable.</summary>
    public const string AppUnavailable = "app_unavailable";

    /// <summary>400: no model credentials are configured.</summary>
    public const string ProviderNotInitialize = "provider_not_initialize";

    /// <summary>400: the model quota is used up.</summary>
    public const string ProviderQuotaExceeded = "provider_quota_exceeded";

    /// <summary>400: the model is not available now.</summary>
    public const string ModelCurrentlyNotSupport = "model_currently_not_support";

    /// <summary>400: text generation failed (the model provider failed).</summary>
    public const string CompletionRequestError = "completion_request_error";

    /// <summary>400: the conversation has ended; start a new one.</summary>
    public const string ConversationCompleted = "conversation_completed";

    /// <summary>400: the key belongs to an app that is not a chat app.</summary>
    public const string NotChatApp = "not_chat_app";

    /// <summary>404: no such conversation (for this user), or no such path.</summary>
    public const string NotFound = "not_found";

    /// <summary>429: the model provider's rate limit.</summary>
    public const string RateLimitError = "rate_limit_error";

    /// <summary>429: the app's invocation quota.</summary>
    public const string TooManyRequests = "too_many_requests";

    /// <summary>500 (also in a stream's <c>error</c> event).</summary>
    public const string InternalServerError = "internal_server_error";

    /// <summary>400 (<c>/files/upload</c>): the request had no <c>file</c> part.</summary>
    public const string NoFileUploaded = "no_file_uploaded";

    /// <summary>400 (<c>/files/upload</c>): more than one file in one upload.</summary>
    public const string TooManyFiles = "too_many_files";

    /// <summary>413 (<c>/files/upload</c>): the file is larger than the app allows.</summary>
    public const string FileTooLarge = "file_too_large";

    /// <summary>415 (<c>/files/upload</c>): a file type the app does not take.</summary>
    public const string UnsupportedFileType = "unsupported_file_type";

    /// <summary>What kind of failure Dify's <paramref name="status"/> and <paramref name="code"/> are, and whether another attempt may succeed.</summary>
    internal static (AssistantFailureKind Kind, bool Retryable) Classify(int? status, string? code) => (status, code) switch
    {
        (_, CompletionRequestError) => (AssistantFailureKind.Unavailable, true),
        (413 or 415, _) or (_, FileTooLarge or UnsupportedFileType or TooManyFiles or NoFileUploaded) => (AssistantFailureKind.FileRefused, false),
        (429, _) or (_, RateLimitError) or (_, TooManyRequests) => (AssistantFailureKind.RateLimited, true),
        (404, _) => (AssistantFailureKind.ConversationNotFound, false),
        (>= 500, _) or (_, InternalServerError) => (AssistantFailureKind.Unavailable, true),
        (408, _) => (AssistantFailureKind.Timeout, false),
        _ => (AssistantFailureKind.Refused, false),
    };
}
