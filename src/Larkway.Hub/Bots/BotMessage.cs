using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Hub.Bots;

/// <summary>A received message as the bot sees it: its text without @-mentions, who sent it, where.</summary>
public sealed record BotMessage
{
    /// <summary>The Feishu message id (<c>om_…</c>), the target of replies.</summary>
    public required string MessageId { get; init; }

    public required string ChatId { get; init; }

    /// <summary><c>p2p</c> or <c>group</c> (also <c>topic_group</c>).</summary>
    public required string ChatType { get; init; }

    /// <summary>The sender's open_id.</summary>
    public required string SenderOpenId { get; init; }

    /// <summary>The message text with @-mention placeholders removed and whitespace trimmed; empty for non-text messages.</summary>
    public required string Text { get; init; }

    /// <summary>True when the bot itself is @-mentioned.</summary>
    public bool MentionsBot { get; init; }

    /// <summary>The received event.</summary>
    public required MessageReceivedEvent Event { get; init; }

    /// <summary>The inbox's key for this event: replies derive their idempotency keys from it.</summary>
    public required string EventKey { get; init; }

    public bool IsP2p => ChatType == "p2p";
}
