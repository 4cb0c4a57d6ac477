namespace Larkway.Hub.Bots;

/// <summary>
/// A received message as the bot sees it, on any platform: its text without @-mentions, who sent it, where. On DingTalk the
/// ids are DingTalk's (msgId, conversationId, the sender's staff id); what else a platform's messenger needs to answer is
/// in <see cref="ReplyContext"/>, which each room fills and reads in its own form.
/// </summary>
public sealed record BotMessage
{
    /// <summary>The message id (Feishu's <c>om_…</c>, DingTalk's msgId), the target of replies.</summary>
    public required string MessageId { get; init; }

    public required string ChatId { get; init; }

    /// <summary><c>p2p</c> or <c>group</c> (also <c>topic_group</c>).</summary>
    public required string ChatType { get; init; }

    /// <summary>The sender's open_id (DingTalk: the sender's userid in the organisation, or its sender id when not a member).</summary>
    public required string SenderOpenId { get; init; }

    /// <summary>What <see cref="SenderOpenId"/> is, as people read it (<c>Feishu open_id</c>, <c>DingTalk userid</c>, <c>WeCom userid</c>): each platform's room names its own.</summary>
    public string SenderIdName { get; init; } = "id";

    /// <summary>The message text with @-mention placeholders removed and whitespace trimmed; empty for non-text messages.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// True when the bot itself is @-mentioned — or when its platform's room cannot yet tell and the platform delivers a
    /// group message to a bot only when it is mentioned (Feishu, before the bot's open_id is read).
    /// </summary>
    public bool MentionsBot { get; init; }

    /// <summary>The message in the platform-neutral model, for an assistant; null when it could not be read as one.</summary>
    public Larkway.Channels.Messages.InboundMessage? Channel { get; init; }

    /// <summary>
    /// What replying needs beyond the ids (a WeCom AI bot's req_id, a DingTalk robot message with its session webhook), in
    /// the form of the room that wrote it: its bot messenger and the assistant's replies read it back.
    /// </summary>
    public string? ReplyContext { get; init; }

    /// <summary>The inbox's key for this event: replies derive their idempotency keys from it.</summary>
    public required string EventKey { get; init; }

    /// <summary>
    /// Where the message's event sits in the inbox's arrival order, handed on to the assistant, which queues questions in
    /// that order; null when it did not come through the inbox's queue. Required, so each platform's room says which.
    /// </summary>
    public required Inbox.InboxArrival? Arrival { get; init; }

    public bool IsP2p => ChatType == "p2p";
}
