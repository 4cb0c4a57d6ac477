namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>What kind of failure a knowledge call met: what the caller should do about it.</summary>
public enum DifyKnowledgeErrorKind
{
    /// <summary>The request as sent (a parameter, a knowledge base not set up for it): fix it; trying again will not help.</summary>
    InvalidRequest,

    /// <summary>The key (HTTP 401) or a permission (HTTP 403): use the knowledge API key of the workspace that holds the knowledge base.</summary>
    Unauthorized,

    /// <summary>No such knowledge base, document or batch (HTTP 404).</summary>
    NotFound,

    /// <summary>The knowledge request rate of the plan (Dify: HTTP 403 with its rate-limit message) or HTTP 429: wait and try again.</summary>
    RateLimited,

    /// <summary>A limit of the plan (the number of documents, storage): delete documents or upgrade; trying again will not help.</summary>
    QuotaExceeded,

    /// <summary>The document is larger than Dify accepts (HTTP 413): split it.</summary>
    TooLarge,

    /// <summary>The state of the target (a duplicate name, an archived document, a document being indexed).</summary>
    Conflict,

    /// <summary>Dify could not be reached, timed out or failed (5xx): try again later.</summary>
    Unavailable,
}
