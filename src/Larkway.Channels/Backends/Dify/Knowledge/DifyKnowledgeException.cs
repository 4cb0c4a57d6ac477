namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>
/// A knowledge API call that failed: Dify's answer (<see cref="HttpStatus"/>, <see cref="Code"/>,
/// <see cref="DifyMessage"/>) or the client's own (<c>connection_failed</c>, <c>timeout</c>, <c>answer_malformed</c>),
/// classified into a <see cref="Kind"/>. <see cref="Exception.Message"/> says what to do.
/// </summary>
public sealed class DifyKnowledgeException : Exception
{
    /// <summary>A failure; <paramref name="message"/> says what to do.</summary>
    public DifyKnowledgeException(DifyKnowledgeErrorKind kind, string code, string message, int? httpStatus = null, string? difyMessage = null, bool retryable = false, TimeSpan? retryAfter = null, bool mayHaveCreated = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Code = code;
        HttpStatus = httpStatus;
        DifyMessage = difyMessage;
        Retryable = retryable;
        RetryAfter = retryAfter;
        MayHaveCreated = mayHaveCreated;
    }

    /// <summary>What kind of failure this is.</summary>
    public DifyKnowledgeErrorKind Kind { get; }

    /// <summary>Dify's code (<see cref="DifyKnowledgeErrorCodes"/>), <c>http_{status}</c> when it sent none, or the client's own.</summary>
    public string Code { get; }

    /// <summary>The HTTP status of Dify's answer; null when there was none (connection failure, timeout).</summary>
    public int? HttpStatus { get; }

    /// <summary>Dify's own message, as it sent it; null when it sent none.</summary>
    public string? DifyMessage { get; }

    /// <summary>
    /// True when the same call may succeed later: rate-limit refusals, 5xx, timeouts, connection failures, and a document
    /// being indexed (once indexing has finished). The client has already retried what it could within its limits.
    /// </summary>
    public bool Retryable { get; }

    /// <summary>How long Dify asked to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True only for a create (<see cref="DifyKnowledgeClient.CreateDocumentByTextAsync"/>) that failed after Dify may
    /// have received it (a timeout, a broken connection, a 5xx, an unreadable success answer): the document may exist.
    /// Look it up by name (<see cref="DifyKnowledgeClient.ListAllDocumentsAsync"/> with the name as keyword) before
    /// creating it again, or a second copy is made.
    /// </summary>
    public bool MayHaveCreated { get; }
}
