namespace Larkway.Channels.Messages;

/// <summary>
/// A message a person (or another bot) sent to the bot, the same on every platform: where it came from, who sent it,
/// its text with mentions resolved, its attachments, and whether it was addressed to the bot. Built by the platform
/// normalizers (<see cref="Adapters.FeishuChannelAdapter"/>, <see cref="Adapters.DingTalkChannelAdapter"/>,
/// <see cref="Adapters.WeComChannelAdapter"/>); no platform type appears in it.
/// </summary>
public sealed record InboundMessage
{
    /// <summary>The platform.</summary>
    public required ChannelPlatform Platform { get; init; }

    /// <summary>The app (bot) that received it.</summary>
    public required ChannelApp App { get; init; }

    /// <summary>The conversation: chat id, kind, thread.</summary>
    public required ChannelConversation Conversation { get; init; }

    /// <summary>Who sent it.</summary>
    public required ChannelSender Sender { get; init; }

    /// <summary>
    /// The text: placeholders replaced by <c>@Name</c>, the bot's own mention taken out and the result trimmed; the
    /// text parts of rich text joined by line breaks; a voice message's transcription where the platform gives one.
    /// Empty for a message with no text (an image alone).
    /// </summary>
    public required string Text { get; init; }

    /// <summary>The platform's message type as sent (e.g. <c>text</c>, <c>post</c>, <c>richText</c>, <c>mixed</c>): for logs and metrics.</summary>
    public required string PlatformMessageType { get; init; }

    /// <summary>Everyone mentioned, in order, the bot included.</summary>
    public IReadOnlyList<ChannelMention> Mentions { get; init; } = [];

    /// <summary>Images, files, audio and video sent with it.</summary>
    public IReadOnlyList<ChannelAttachment> Attachments { get; init; } = [];

    /// <summary>The platform's id of this message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The message this one replies to or quotes, when it does and the platform says which.</summary>
    public string? ReplyToMessageId { get; init; }

    /// <summary>The text of the quoted message, when the platform includes it (WeCom AI bot, DingTalk replies).</summary>
    public string? QuotedText { get; init; }

    /// <summary>True when the bot was @-mentioned (explicitly or through a platform flag such as DingTalk's isInAtList).</summary>
    public bool MentionsBot { get; init; }

    /// <summary>True when someone @-mentioned everyone.</summary>
    public bool MentionsAll => Mentions.Any(m => m.IsAll);

    /// <summary>True when the message is for the bot: any direct message, or a group/thread message that mentions it.</summary>
    public bool IsAddressedToBot => Conversation.Kind == ConversationKind.Direct || MentionsBot;

    /// <summary>When the platform says the message was sent, when it says so.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When the caller received it (its clock).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>
    /// The same for every delivery of this message, whatever event id a redelivery carries:
    /// <c>{platform}/{app id}/{message id}</c>. Scoped by app: two bots in one group each answer their own copy.
    /// </summary>
    public required string DedupKey { get; init; }

    /// <summary>The dedup key of a message: the platform's name (lower case), app id, message id.</summary>
    public static string DedupKeyFor(ChannelPlatform platform, string appId, string messageId) =>
        $"{platform.Name}/{appId}/{messageId}";
}
