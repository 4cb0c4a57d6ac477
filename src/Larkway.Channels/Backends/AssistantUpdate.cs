namespace Larkway.Channels.Backends;

/// <summary>
/// One step of a streamed answer. In order: <see cref="AssistantAnswerStarted"/> (once the backend names its task; again
/// after a retry), <see cref="AssistantConversationRestarted"/> (when the conversation was gone), then any number of
/// <see cref="AssistantTextDelta"/>, <see cref="AssistantAnswerReplaced"/>, <see cref="AssistantThought"/> and
/// <see cref="AssistantAnswerFile"/>, and last
/// exactly one of <see cref="AssistantAnswerEnd"/> or <see cref="AssistantFailure"/>.
/// </summary>
public abstract record AssistantUpdate
{
    private protected AssistantUpdate()
    {
    }
}

/// <summary>The backend accepted the question and named its task: keep <see cref="TaskId"/> to stop it.</summary>
/// <param name="TaskId">The backend's task id (Dify's <c>task_id</c>; the completion id for OpenAI-compatible backends).</param>
/// <param name="MessageId">The answer's message id, when known this early.</param>
/// <param name="ConversationId">The conversation id, when known this early (a new conversation's id for Dify).</param>
public sealed record AssistantAnswerStarted(string? TaskId, string? MessageId, string? ConversationId) : AssistantUpdate;

/// <summary>
/// The conversation to continue no longer exists for this user (Dify answered 404), so a new one was started, once, for
/// this question. Store the new id from <see cref="AssistantAnswerEnd.ConversationId"/>; the backend has forgotten the
/// earlier turns.
/// </summary>
/// <param name="PreviousConversationId">The id that was not found.</param>
public sealed record AssistantConversationRestarted(string PreviousConversationId) : AssistantUpdate;

/// <summary>More of the answer: append <see cref="Text"/> to what came before.</summary>
/// <param name="Text">The new text.</param>
public sealed record AssistantTextDelta(string Text) : AssistantUpdate;

/// <summary>
/// The whole answer so far is replaced by <see cref="Text"/> (Dify's <c>message_replace</c>: output moderation swapped
/// the answer for its preset reply). Later deltas append to this text.
/// </summary>
/// <param name="Text">The answer that replaces everything before.</param>
public sealed record AssistantAnswerReplaced(string Text) : AssistantUpdate;

/// <summary>
/// An agent's step, compact for showing beside the answer (Dify's <c>agent_thought</c>): the tool it called and a short
/// thought. Tool input and output (observation) are never carried.
/// </summary>
/// <param name="Tool">The tool or tools called (Dify separates several with <c>;</c>), or null when the step called none.</param>
/// <param name="Thought">What the agent thought, cut to <see cref="MaxThoughtLength"/> characters with an ellipsis; may be empty.</param>
/// <param name="Position">The step's position in the answer (Dify's <c>position</c>); a step may come again with the same position as it progresses.</param>
public sealed record AssistantThought(string? Tool, string Thought, int Position) : AssistantUpdate
{
    /// <summary>The longest thought carried, in characters.</summary>
    public const int MaxThoughtLength = 200;
}

/// <summary>A file the backend made for the answer (Dify's <c>message_file</c>: an image a tool drew, say).</summary>
/// <param name="Id">The file's id.</param>
/// <param name="Type">Its type (<c>image</c>).</param>
/// <param name="Url">Where to fetch it.</param>
public sealed record AssistantAnswerFile(string? Id, string Type, string? Url) : AssistantUpdate;

/// <summary>Why an answer ended.</summary>
public enum AssistantFinishReason
{
    /// <summary>The answer is complete.</summary>
    Completed,

    /// <summary>The answer was cut at the model's output limit (OpenAI's <c>finish_reason: length</c>).</summary>
    Length,
}

/// <summary>Tokens used by an answer, when the backend reports them.</summary>
/// <param name="PromptTokens">Tokens of the prompt.</param>
/// <param name="CompletionTokens">Tokens of the answer.</param>
/// <param name="TotalTokens">Both.</param>
public sealed record AssistantUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

/// <summary>The answer is complete (terminal).</summary>
/// <param name="ConversationId">The backend's conversation id to continue with (Dify; null for stateless backends).</param>
/// <param name="MessageId">The answer's message id (Dify's <c>message_id</c>, for feedback), when given.</param>
/// <param name="TaskId">The backend's task id, when given.</param>
/// <param name="Usage">Tokens used, when reported.</param>
/// <param name="FinishReason">Whether the answer is complete or was cut at the output limit.</param>
public sealed record AssistantAnswerEnd(string? ConversationId, string? MessageId, string? TaskId, AssistantUsage? Usage, AssistantFinishReason FinishReason = AssistantFinishReason.Completed) : AssistantUpdate;

/// <summary>
/// The answer failed (terminal). Text streamed before it stays valid but incomplete; nothing was retried after it.
/// </summary>
/// <param name="Kind">What happened, for the message shown to the user.</param>
/// <param name="Code">The backend's own code (Dify's <c>code</c> such as <c>provider_quota_exceeded</c>, OpenAI's error code),
/// or one of the library's: <c>timeout.first_token</c>, <c>timeout.idle</c>, <c>timeout.total</c>, <c>connection_failed</c>,
/// <c>stream_incomplete</c>, <c>content_filter</c>, <c>refusal</c>.</param>
/// <param name="Message">The backend's message or the library's description. It may quote the model (a refusal); it is never logged.</param>
/// <param name="HttpStatus">The HTTP status the backend answered (or put in its <c>error</c> event), when there was one.</param>
/// <param name="RetryAfter">How long the backend asked to wait (a rate limit), when it said.</param>
public sealed record AssistantFailure(AssistantFailureKind Kind, string Code, string Message, int? HttpStatus = null, TimeSpan? RetryAfter = null) : AssistantUpdate;

/// <summary>Liveness from the backend (Dify's <c>ping</c>): keeps the idle timeout from firing; never given to callers.</summary>
internal sealed record AssistantKeepAlive : AssistantUpdate
{
    public static readonly AssistantKeepAlive Instance = new();
}
