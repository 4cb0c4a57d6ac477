namespace Larkway.Channels.Backends.Dify;

/// <summary>
/// One streamed chunk (the JSON of a <c>data:</c> line; the event name is its <c>event</c> field), or the blocking answer.
/// Only the fields the backend reads; names per Dify's service API docs (chat and chatflow apps).
/// </summary>
internal sealed class DifyEvent
{
    public string? Event { get; set; }

    public string? TaskId { get; set; }

    public string? MessageId { get; set; }

    public string? ConversationId { get; set; }

    /// <summary>A message's own id in some chunks (<c>message_end</c>'s example, the blocking answer), a file's id in <c>message_file</c>, a thought's id in <c>agent_thought</c>.</summary>
    public string? Id { get; set; }

    /// <summary><c>message</c> / <c>agent_message</c>: a chunk; <c>message_replace</c> and blocking: the whole answer.</summary>
    public string? Answer { get; set; }

    /// <summary><c>agent_thought</c>.</summary>
    public string? Thought { get; set; }

    /// <summary><c>agent_thought</c>: tools called, separated by <c>;</c>.</summary>
    public string? Tool { get; set; }

    /// <summary><c>agent_thought</c>.</summary>
    public int? Position { get; set; }

    /// <summary><c>message_file</c>.</summary>
    public string? Type { get; set; }

    /// <summary><c>message_file</c>.</summary>
    public string? Url { get; set; }

    /// <summary><c>error</c>: the HTTP status Dify would have answered.</summary>
    public int? Status { get; set; }

    /// <summary><c>error</c>: Dify's code (<c>invalid_param</c>, <c>provider_quota_exceeded</c>, …).</summary>
    public string? Code { get; set; }

    /// <summary><c>error</c>: Dify's message.</summary>
    public string? Message { get; set; }

    /// <summary><c>message_end</c> and blocking.</summary>
    public DifyMetadata? Metadata { get; set; }
}

internal sealed class DifyMetadata
{
    public DifyUsage? Usage { get; set; }
}

internal sealed class DifyUsage
{
    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public int TotalTokens { get; set; }
}

/// <summary>An error answer: <c>{"code": "invalid_param", "message": "…", "status": 400}</c>.</summary>
internal sealed class DifyErrorBody
{
    public string? Code { get; set; }

    public string? Message { get; set; }

    public int? Status { get; set; }
}

/// <summary>The answer to <c>POST /files/upload</c> (201): the id chat-messages takes as <c>upload_file_id</c>; the rest is not read.</summary>
internal sealed class DifyUploadedFile
{
    public string? Id { get; set; }
}
