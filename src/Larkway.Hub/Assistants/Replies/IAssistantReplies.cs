using Larkway.Channels.Masking;
using Larkway.Hub.Assistants.Configuration;

namespace Larkway.Hub.Assistants.Replies;

/// <summary>
/// Where one platform shows an assistant's answers: a streamed reply (a CardKit card, a DingTalk AI card, a WeCom AI bot
/// stream), the close of a reply a stopped Hub left open, and one-off texts (refusals, command answers). One per platform;
/// the router never sees a platform type.
/// </summary>
internal interface IAssistantReplies
{
    /// <summary>
    /// Opens the reply to <paramref name="target"/>'s message (a loading card first, where the platform has one) and returns
    /// its writer; the caller stores <see cref="IAssistantReplyWriter.Handle"/> at once, so that a Hub stopped mid-answer
    /// can close it. Throws when the platform refused: the turn then fails with a plain-text notice where possible.
    /// </summary>
    Task<IAssistantReplyWriter> OpenAsync(AssistantReplyTarget target, CancellationToken cancellationToken);

    /// <summary>
    /// Closes a reply a stopped Hub left streaming (<paramref name="handle"/> from <see cref="OpenAsync"/>): shows
    /// <paramref name="shownText"/> with a notice that the answer was interrupted and a retry button, streaming off.
    /// Idempotent; never streams again.
    /// </summary>
    Task CloseInterruptedAsync(AssistantReplyTarget target, string handle, string? shownText, CancellationToken cancellationToken);

    /// <summary>
    /// How the platform's markdown shows what the masker puts in place of a value (<c>159****4321</c>) as written: the
    /// platform renders every answer as markdown, where those stars would turn into bold or italic marks. Only the inserted
    /// text goes through it; the backend's own markdown is left as written, and plain-text replies do not use it.
    /// </summary>
    ReplacementLiteral MaskedLiteral { get; }

    /// <summary>
    /// <see cref="MaskedLiteral"/> for one reply: a platform whose replies are markdown in one place and plain text in
    /// another (WeCom's customer service takes text only) says so per target.
    /// </summary>
    ReplacementLiteral MaskedLiteralFor(AssistantReplyTarget target) => MaskedLiteral;

    /// <summary>
    /// Whether a failed answer to <paramref name="target"/> ends with a Regenerate button: its notice then says to press it,
    /// else to ask again. True unless the platform can show none there.
    /// </summary>
    bool OffersRegenerate(AssistantReplyTarget target) => true;

    /// <summary>
    /// Whether a turn to <paramref name="target"/> that a stopped Hub left mid-answer is answered again rather than closed
    /// as interrupted: true only where a reply shows nothing until it ends and sending it again repeats nothing.
    /// </summary>
    bool AnswersAgainAfterInterruption(AssistantReplyTarget target) => false;

    /// <summary>Sends one plain text reply to <paramref name="target"/>'s message, once per <paramref name="idempotencyKey"/>.</summary>
    Task SendTextAsync(AssistantReplyTarget target, string text, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>What a reply answers: the turn's place and message, and the assistant's settings.</summary>
/// <param name="Assistant">The assistant answering.</param>
/// <param name="TurnId">The turn (the answer's id on feedback and retry buttons).</param>
/// <param name="App">The Hub app the message came to.</param>
/// <param name="ConversationId">The platform's conversation id.</param>
/// <param name="ConversationKind"><c>direct</c>, <c>group</c> or <c>thread</c>.</param>
/// <param name="ThreadId">The thread, when in one.</param>
/// <param name="MessageId">The question's message id (what a reply quotes).</param>
/// <param name="SenderId">The asker's id on the platform.</param>
/// <param name="ReplyContext">The platform's reply payload, in clear (a WeCom AI bot req_id; a DingTalk robot message's JSON).</param>
internal sealed record AssistantReplyTarget(
    AssistantDefinition Assistant,
    long TurnId,
    string App,
    string ConversationId,
    string ConversationKind,
    string? ThreadId,
    string MessageId,
    string SenderId,
    string? ReplyContext)
{
    /// <summary>The answer id on the reply's buttons.</summary>
    public string AnswerId => "turn-" + TurnId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True for a one-to-one chat.</summary>
    public bool IsDirect => ConversationKind == "direct";

    /// <summary>The conversation kind of a customer outside the company writing to a customer-service account.</summary>
    public const string CustomerKind = "customer";

    /// <summary>True for a customer outside the company (a customer-service conversation).</summary>
    public bool IsCustomer => ConversationKind == CustomerKind;
}

/// <summary>
/// One streamed answer on its platform. <see cref="Show"/> takes the whole answer so far (placeholders already restored)
/// and the writer sends it at most once per the assistant's update interval, always the latest text; <see cref="FinishAsync"/>
/// always ends it (streaming off, the final form).
/// </summary>
internal interface IAssistantReplyWriter : IAsyncDisposable
{
    /// <summary>The reply's handle on the platform (CardKit card id, DingTalk outTrackId, WeCom stream id).</summary>
    string Handle { get; }

    /// <summary>The message showing the reply, once known.</summary>
    string? MessageId { get; }

    /// <summary>Platform updates sent so far.</summary>
    int Updates { get; }

    /// <summary>Shows <paramref name="text"/>, the whole answer so far, with the next update.</summary>
    void Show(string text);

    /// <summary>Ends the reply as <paramref name="end"/> says: the final text, a notice, and its buttons.</summary>
    Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken);
}

/// <summary>How a reply ends.</summary>
internal enum AssistantReplyEndKind
{
    /// <summary>Answered in full: the final text with feedback buttons (helpful, not helpful, regenerate).</summary>
    Answered,

    /// <summary>Stopped by the user: what was shown, marked stopped.</summary>
    Stopped,

    /// <summary>The backend failed: what was shown (maybe nothing), the notice naming what happened, a retry button.</summary>
    Failed,
}

/// <summary>The end of a reply: its kind, the text to show, and the notice under it (failures, stops).</summary>
internal sealed record AssistantReplyEnd(AssistantReplyEndKind Kind, string Text, string? Notice = null)
{
    /// <summary>Said under an answer its Hub stopped in the middle of.</summary>
    public const string InterruptedNotice = "The answer was interrupted (the service restarted). Ask again, or press Regenerate.";
}
