using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>
/// A received message as the bot sees it, on any platform: the message in the one platform-neutral model
/// (<see cref="Inbound"/>: its text with the bot's own mention taken out, who sent it, where) and what the Hub adds to it —
/// the inbox's key and arrival, and what a platform's messenger needs to answer (<see cref="ReplyContext"/>), which each
/// room fills and reads in its own form. The ids below are read from <see cref="Inbound"/>, never kept a second time.
/// </summary>
public sealed record BotMessage
{
    /// <summary>The message as every platform's room reads it: the same model the assistant answers.</summary>
    public required InboundMessage Inbound { get; init; }

    /// <summary>What <see cref="SenderId"/> is, as people read it (<c>Feishu open_id</c>, <c>DingTalk userid</c>, <c>WeCom userid</c>): each platform's room names its own.</summary>
    public string SenderIdName { get; init; } = "id";

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

    /// <summary>The platform's id of the message (Feishu's <c>om_…</c>, DingTalk's msgId), the target of replies.</summary>
    public string MessageId => Inbound.MessageId;

    /// <summary>The platform's id of the chat (a thread's chat, for a message in a thread).</summary>
    public string ChatId => Inbound.Conversation.Id;

    /// <summary>The sender's id as this app sees it (Feishu open_id, DingTalk userid or sender id, WeCom userid).</summary>
    public string SenderId => Inbound.Sender.Id;

    /// <summary>The text, the bot's own mention taken out and others kept as <c>@Name</c>; empty for a message without text.</summary>
    public string Text => Inbound.Text;

    /// <summary>True for a one-to-one chat with the bot.</summary>
    public bool IsDirect => Inbound.Conversation.Kind == ConversationKind.Direct;
}
