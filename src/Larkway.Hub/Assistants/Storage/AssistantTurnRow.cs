using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Assistants.Storage;

/// <summary>
/// One question to an assistant and its answer (<c>assistant_turns</c>): a work item of the <c>assistant-replies</c>
/// queue, unique per received message (<see cref="MessageKey"/>), so a redelivery — even under a new event id — or a
/// second replica never answers twice. Turns of one conversation (<see cref="Lane"/>) are answered in order.
/// What is stored is masked: the question as sent to the backend, the answer as shown.
/// </summary>
public sealed class AssistantTurnRow : IWorkItem
{
    /// <inheritdoc />
    public long Id { get; set; }

    /// <summary>The assistant (<see cref="AssistantRow.Name"/>).</summary>
    public string Assistant { get; set; } = "";

    /// <summary>The session it belongs to; null until the turn is started.</summary>
    public long? SessionId { get; set; }

    /// <summary>The received message's identity, stable across redeliveries: <c>{platform}:{app}:{message id}</c>.</summary>
    public string MessageKey { get; set; } = "";

    /// <summary>The conversation whose turns are answered one at a time, in order: <c>{platform}:{app}:{conversation}[:{thread}]</c>.</summary>
    public string Lane { get; set; } = "";

    /// <summary><c>feishu</c>, <c>dingtalk</c> or <c>wecom</c>.</summary>
    public string Platform { get; set; } = "";

    /// <summary>The Hub app the message came to.</summary>
    public string App { get; set; } = "";

    /// <summary>The platform's conversation id (chat id, conversationId, chatid).</summary>
    public string ConversationId { get; set; } = "";

    /// <summary><c>direct</c>, <c>group</c> or <c>thread</c>.</summary>
    public string ConversationKind { get; set; } = "";

    /// <summary>The thread or topic, when the message is in one.</summary>
    public string? ThreadId { get; set; }

    /// <summary>The platform's message id (what a reply quotes).</summary>
    public string MessageId { get; set; } = "";

    /// <summary>The sender's id on the platform.</summary>
    public string SenderId { get; set; } = "";

    /// <summary>The person the sender is linked to; null for a guest.</summary>
    public string? PersonId { get; set; }

    /// <summary>The question as the backend gets it: masked, with placeholders where personal data was.</summary>
    public string Question { get; set; } = "";

    /// <summary>
    /// The values behind the question's placeholders (JSON, placeholder → value), protected
    /// (<see cref="Platform.DataProtection.HubSecretProtector"/>), so that whichever replica answers — now, or again when
    /// the asker presses Regenerate — can put them back into the answer shown to the same person.
    /// </summary>
    public string? Placeholders { get; set; }

    /// <summary>
    /// The images and files sent with the question that go to the backend (JSON: kind, the platform's key, name, URL, key
    /// to decrypt), protected; fetched from the platform when the turn is answered, and again on Regenerate.
    /// </summary>
    public string? Attachments { get; set; }

    /// <summary>
    /// When <see cref="Placeholders"/> was erased, <c>Larkway:Assistants:PlaceholderRetention</c> after the turn ended (null
    /// while kept, or when the question had none): the masked question stays, but it can no longer be asked again.
    /// </summary>
    public DateTimeOffset? PlaceholdersErasedAt { get; set; }

    /// <summary>The platform's reply payload the Hub needs (e.g. a DingTalk session webhook, a WeCom AI bot req_id), protected; cleared at the end.</summary>
    public string? ReplyContext { get; set; }

    /// <summary>Where the answer is shown: <see cref="AssistantTurnStatus"/>.</summary>
    public string Status { get; set; } = AssistantTurnStatus.Queued;

    /// <summary>Why it failed or was refused (a <c>AssistantFailureKind</c> name), when it did.</summary>
    public string? FailureKind { get; set; }

    /// <summary>The streamed reply's handle on the platform: a CardKit card id, a DingTalk outTrackId, a WeCom stream id.</summary>
    public string? ReplyHandle { get; set; }

    /// <summary>The message that shows the answer (its first, when it needed several).</summary>
    public string? ReplyMessageId { get; set; }

    /// <summary>The last CardKit sequence used on <see cref="ReplyHandle"/>, so a resumed answer continues above it.</summary>
    public int? ReplySequence { get; set; }

    /// <summary>The answer as shown to the user (masked for the platform as configured); grows while streaming.</summary>
    public string? Answer { get; set; }

    /// <summary>The backend's conversation, task and message ids for this turn.</summary>
    public string? BackendConversationId { get; set; }

    /// <inheritdoc cref="BackendConversationId"/>
    public string? BackendTaskId { get; set; }

    /// <inheritdoc cref="BackendConversationId"/>
    public string? BackendMessageId { get; set; }

    /// <summary>Platform updates sent for the answer (card updates, stream frames).</summary>
    public int Updates { get; set; }

    /// <summary>Set by <c>/stop</c> or a newer question in the lane: the running answer stops at its next update.</summary>
    public bool StopRequested { get; set; }

    /// <summary>When the message was received: when the Hub stored its event, where it came through the inbox.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>
    /// When the sender sent it, by the platform's clock (the Hub's for a Regenerate click): questions of one lane are answered
    /// in this order, whichever of them the inbox's concurrent handlers stored first.
    /// </summary>
    public DateTimeOffset SentAt { get; set; }

    /// <summary>The inbox event the question came in (null for a Regenerate click): it waits for the events that arrived before it.</summary>
    public long? InboxEventId { get; set; }

    /// <summary>When answering started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the first text of the answer was shown.</summary>
    public DateTimeOffset? FirstTokenAt { get; set; }

    /// <summary>When it reached its terminal status.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <inheritdoc />
    public WorkState State { get; set; }

    /// <inheritdoc />
    public int Attempts { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <inheritdoc />
    public string? LeaseOwner { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <inheritdoc />
    public string? LastError { get; set; }
}

/// <summary>Where a turn stands, as stored and shown.</summary>
public static class AssistantTurnStatus
{
    /// <summary>Waiting for its turn in the lane.</summary>
    public const string Queued = "queued";

    /// <summary>The answer is streaming.</summary>
    public const string Answering = "answering";

    /// <summary>Answered in full.</summary>
    public const string Answered = "answered";

    /// <summary>Stopped by the user (<c>/stop</c>) or by a newer question; what was shown stays, marked stopped.</summary>
    public const string Stopped = "stopped";

    /// <summary>The backend failed; the user got a message naming what happened and a retry button.</summary>
    public const string Failed = "failed";

    /// <summary>The Hub stopped mid-answer; the reply was closed as interrupted, with a retry button, never answered twice.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>Not answered: the policy refused the sender or the place (the user was told why, where the policy says to).</summary>
    public const string Refused = "refused";

    /// <summary>Every status, for validation.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Answering, Answered, Stopped, Failed, Interrupted, Refused];

    /// <summary>True for a status no answer leaves again.</summary>
    public static bool IsTerminal(string status) => status is Answered or Stopped or Failed or Interrupted or Refused;
}
