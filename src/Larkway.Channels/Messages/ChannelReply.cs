namespace Larkway.Channels.Messages;

/// <summary>
/// A reply the bot sends, the same on every platform: text, markdown, a card with buttons, or media. A platform
/// renderer turns it into that platform's messages in the richest form the conversation takes, within its limits
/// (<see cref="Rendering.FeishuReplyRenderer"/>, <see cref="Rendering.WeComReplyRenderer"/>, <see cref="Rendering.DingTalkReplyRenderer"/>).
/// </summary>
public abstract record ChannelReply
{
    private protected ChannelReply()
    {
    }

    /// <summary>Plain text.</summary>
    public static TextReply ForText(string text) => new(text);

    /// <summary>Markdown (the common subset: headings, bold, italics, links, lists, quotes, fenced code).</summary>
    public static MarkdownReply ForMarkdown(string markdown, string? title = null) => new(markdown) { Title = title };

    /// <summary>A card: a title, a markdown body and buttons.</summary>
    public static CardReply ForCard(string? title, string markdown, params IReadOnlyList<ReplyButton> buttons) => new(title, markdown, buttons);

    /// <summary>An image, file, audio or video already uploaded to the platform (its key / media id / URL).</summary>
    public static MediaReply ForMedia(AttachmentKind kind, string key, string? name = null) => new(kind, key, name);
}

/// <summary>Plain text.</summary>
/// <param name="Text">The text; must not be blank.</param>
public sealed record TextReply(string Text) : ChannelReply;

/// <summary>Markdown.</summary>
/// <param name="Markdown">The markdown; must not be blank.</param>
public sealed record MarkdownReply(string Markdown) : ChannelReply
{
    /// <summary>A title where the platform shows one (DingTalk's notification title, a card header); derived from the text when null.</summary>
    public string? Title { get; init; }
}

/// <summary>A card: an optional title, a markdown body and buttons.</summary>
/// <param name="Title">The card's title, or null for none.</param>
/// <param name="Markdown">The body, in markdown; must not be blank.</param>
/// <param name="Buttons">The buttons, in order (may be empty).</param>
public sealed record CardReply(string? Title, string Markdown, IReadOnlyList<ReplyButton> Buttons) : ChannelReply;

/// <summary>A media reply: something already uploaded to the platform.</summary>
/// <param name="Kind">Image, file, audio or video.</param>
/// <param name="Key">The platform's key (Feishu image_key / file_key, WeCom media_id, DingTalk a picture URL).</param>
/// <param name="Name">The file's name, when known.</param>
public sealed record MediaReply(AttachmentKind Kind, string Key, string? Name = null) : ChannelReply
{
    /// <summary>A line of text to send with it, or null.</summary>
    public string? Caption { get; init; }
}

/// <summary>How a button looks.</summary>
public enum ReplyButtonStyle
{
    /// <summary>The platform's plain button.</summary>
    Default,

    /// <summary>The emphasised (primary) button.</summary>
    Primary,

    /// <summary>A destructive action.</summary>
    Danger,
}

/// <summary>
/// A button: its text and the action value a click sends back to the bot (Feishu callback value, WeCom button key),
/// or a URL it opens.
/// </summary>
/// <param name="Text">What the button says.</param>
/// <param name="Value">The action key the click sends back (e.g. <c>feedback:helpful:msg_1</c>); null for a link button.</param>
/// <param name="Style">How it looks.</param>
/// <param name="Url">A URL the button opens instead of calling back, or null.</param>
public sealed record ReplyButton(string Text, string? Value, ReplyButtonStyle Style = ReplyButtonStyle.Default, string? Url = null)
{
    /// <summary>The name under which a Feishu button's callback value carries <see cref="Value"/>: <c>{"action": "…"}</c>.</summary>
    public const string CallbackValueKey = "action";

    /// <summary>True when a click calls the bot back (rather than opening a URL).</summary>
    public bool IsCallback => Url is null;
}
