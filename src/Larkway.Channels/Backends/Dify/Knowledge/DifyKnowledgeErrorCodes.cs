namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>
/// The error codes of Dify's knowledge API (the <c>code</c> of an error answer <c>{code, message, status}</c>), and how
/// the client classifies them.
/// </summary>
public static class DifyKnowledgeErrorCodes
{
    /// <summary>400: a parameter is wrong (a missing name or text, a page size over 100, …).</summary>
    public const string InvalidParam = "invalid_param";

    /// <summary>400: the knowledge base has no indexing technique yet: give one with the first document.</summary>
    public const string DatasetNotInitialized = "dataset_not_initialized";

    /// <summary>400: the document is being indexed and cannot be edited or deleted now; try again when indexing has finished.</summary>
    public const string DocumentIndexing = "document_indexing";

    /// <summary>401: the key is missing or wrong (an app key instead of the knowledge API key, say).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: refused; the message says why (the plan's knowledge request rate, the plan's document limit, a permission).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>403: the document is archived and cannot be changed.</summary>
    public const string ArchivedDocumentImmutable = "archived_document_immutable";

    /// <summary>404: no such knowledge base, document or path.</summary>
    public const string NotFound = "not_found";

    /// <summary>409: a knowledge base of that name exists already.</summary>
    public const string DatasetNameDuplicate = "dataset_name_duplicate";

    /// <summary>413: the document is larger than Dify accepts.</summary>
    public const string FileTooLarge = "file_too_large";

    /// <summary>429: too many requests (a proxy's, or a Dify server's own limit).</summary>
    public const string TooManyRequests = "too_many_requests";

    /// <summary>The client's own code: Dify could not be reached, or the connection broke.</summary>
    public const string ConnectionFailed = "connection_failed";

    /// <summary>The client's own code: no answer within <see cref="DifyKnowledgeOptions.Timeout"/>.</summary>
    public const string Timeout = "timeout";

    /// <summary>The client's own code: a success answer that is not the documented shape.</summary>
    public const string AnswerMalformed = "answer_malformed";

    /// <summary>Dify Cloud's 403 for the plan's knowledge request rate (Dify answers 403 here, not 429).</summary>
    internal const string RateLimitMessage = "Sorry, you have reached the knowledge base request rate limit of your subscription.";

    /// <summary>Dify Cloud's 403 for the plan's document limit.</summary>
    internal const string DocumentLimitMessage = "The number of documents has reached the limit of your subscription.";

    /// <summary>
    /// The kind of Dify's <paramref name="status"/>, <paramref name="code"/> and <paramref name="message"/>, and whether
    /// another attempt may succeed (now, or — <see cref="DocumentIndexing"/> — once indexing has finished).
    /// </summary>
    internal static (DifyKnowledgeErrorKind Kind, bool Retryable) Classify(int status, string code, string? message) => (status, code) switch
    {
        (403, _) when IsRateLimit(message) => (DifyKnowledgeErrorKind.RateLimited, true),
        (429, _) or (_, TooManyRequests) => (DifyKnowledgeErrorKind.RateLimited, true),
        (403, _) when IsPlanLimit(message) => (DifyKnowledgeErrorKind.QuotaExceeded, false),
        (_, ArchivedDocumentImmutable) => (DifyKnowledgeErrorKind.Conflict, false),
        (_, DocumentIndexing) => (DifyKnowledgeErrorKind.Conflict, true),
        (_, DatasetNameDuplicate) or (409, _) => (DifyKnowledgeErrorKind.Conflict, false),
        (413, _) or (_, FileTooLarge) => (DifyKnowledgeErrorKind.TooLarge, false),
        (401 or 403, _) => (DifyKnowledgeErrorKind.Unauthorized, false),
        (404, _) => (DifyKnowledgeErrorKind.NotFound, false),
        (>= 500, _) or (408, _) => (DifyKnowledgeErrorKind.Unavailable, true),
        _ => (DifyKnowledgeErrorKind.InvalidRequest, false),
    };

    private static bool IsRateLimit(string? message) =>
        message is not null && message.Contains("rate limit", StringComparison.OrdinalIgnoreCase);

    private static bool IsPlanLimit(string? message) =>
        message is not null && (message.Contains("limit of your subscription", StringComparison.OrdinalIgnoreCase) || message.Contains("reached the limit", StringComparison.OrdinalIgnoreCase));
}
