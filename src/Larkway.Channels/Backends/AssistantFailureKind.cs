namespace Larkway.Channels.Backends;

/// <summary>What kind of failure ended an answer: what the user is told, and whether trying again later can help.</summary>
public enum AssistantFailureKind
{
    /// <summary>The backend could not be reached, answered 5xx, or broke the stream off: try again later.</summary>
    Unavailable,

    /// <summary>No first token, no data for too long, or the answer took longer than allowed.</summary>
    Timeout,

    /// <summary>The backend limits the rate (HTTP 429): try again after <see cref="AssistantFailure.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>
    /// The backend refused the request as sent or as configured: invalid parameter, bad key, app unavailable, model or
    /// quota not set up, or the model declined to answer (a refusal). Trying again unchanged will not help.
    /// </summary>
    Refused,

    /// <summary>The conversation to continue does not exist for this user, and starting a new one failed too.</summary>
    ConversationNotFound,

    /// <summary>The answer was withheld by a content filter.</summary>
    ContentFiltered,

    /// <summary>A file sent with the question was refused: too large, or a type the backend (or its app) does not take.</summary>
    FileRefused,
}
