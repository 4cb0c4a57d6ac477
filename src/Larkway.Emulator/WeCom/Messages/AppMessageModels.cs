namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// A message the app sent (<c>/cgi-bin/message/send</c>): its body as sent (<see cref="Content"/>, the JSON of the msgtype's
/// object), who received it and who it was dropped for (over 30 a minute to one member), whether it was recalled, and for
/// template cards the card as last updated (<see cref="Card"/> for everyone, <see cref="UserCards"/> where an update named
/// members) and the text of a button replaced by <c>update_template_card</c>'s <c>button.replace_name</c>.
/// </summary>
internal sealed record AppMessage(
    string MsgId,
    long AgentId,
    string MsgType,
    string Content,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> Dropped,
    DateTimeOffset SentAt)
{
    public bool Recalled { get; init; }

    public string? Card { get; init; }

    public IReadOnlyDictionary<string, string>? UserCards { get; init; }

    public IReadOnlyDictionary<string, string>? ReplacedButtons { get; init; }

    /// <summary>The card the member sees now (their own update, else everyone's, else the card as sent).</summary>
    public string CardFor(string userId) =>
        UserCards is not null && UserCards.TryGetValue(userId, out var own) ? own : Card ?? Content;

    /// <summary>The replaced button text the member sees (their update, else "" for everyone), or null when the buttons still work.</summary>
    public string? ReplacedFor(string userId) =>
        ReplacedButtons is null ? null : ReplacedButtons.TryGetValue(userId, out var own) ? own : ReplacedButtons.GetValueOrDefault(string.Empty);
}

/// <summary>
/// A response_code (returned by message/send for interactive cards and in each template_card_event): usable once, for 72 h,
/// to update the card of <see cref="MsgId"/>; <see cref="UserId"/> is the member whose click issued it (null: from send).
/// </summary>
internal sealed record ResponseCodeClaim(string Code, string MsgId, string? UserId, DateTimeOffset ExpiresAt)
{
    public bool Used { get; init; }
}

/// <summary>
/// What a member did in the app's chat, delivered to the app's callback: a text they wrote (MsgType text) or a card
/// click (MsgType event, Event template_card_event). <see cref="Status"/> is the callback's outcome and
/// <see cref="ReplyXml"/> the decrypted passive reply, if the app sent one.
/// </summary>
internal sealed record InboundMessage(string MsgId, string UserId, string MsgType, string Content, DateTimeOffset At)
{
    public string? Event { get; init; }

    public string? CardMsgId { get; init; }

    public string Status { get; init; } = "pending";

    public string? ReplyXml { get; init; }

    public string? ReplyError { get; init; }
}
