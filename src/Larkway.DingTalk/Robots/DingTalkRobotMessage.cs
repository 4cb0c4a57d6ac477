using System.Text.Json;

namespace Larkway.DingTalk.Robots;

/// <summary>
/// A custom group robot's message: text, link, markdown, action card (one button or several) or feed card. Built through
/// the factories, which check what DingTalk requires, so that a message that cannot be sent fails here with the field to
/// fix rather than as an errcode later.
/// </summary>
public abstract class DingTalkRobotMessage
{
    private protected DingTalkRobotMessage()
    {
    }

    /// <summary>The <c>msgtype</c>.</summary>
    public abstract string MessageType { get; }

    /// <summary>A plain text message; <paramref name="at"/> mentions people by mobile or user id, or everyone.</summary>
    public static DingTalkRobotMessage Text(string content, DingTalkMentions? at = null) => new TextMessage(Required(content, "content"), at);

    /// <summary>A link card: title, a summary, the page it opens and an optional picture.</summary>
    public static DingTalkRobotMessage Link(string title, string text, string messageUrl, string? pictureUrl = null) =>
        new LinkMessage(Required(title, "title"), Required(text, "text"), Url(messageUrl, "messageUrl"), pictureUrl is null ? null : Url(pictureUrl, "picUrl"));

    /// <summary>
    /// A markdown message (DingTalk's subset: headings, bold, links, images, lists, quotes). <paramref name="title"/> is what
    /// the conversation list and notifications show. A mention missing from the text is appended as <c>@mobile</c> /
    /// <c>@userId</c>: DingTalk only notifies a person named in a markdown message's text.
    /// </summary>
    public static DingTalkRobotMessage Markdown(string title, string text, DingTalkMentions? at = null) =>
        new MarkdownMessage(Required(title, "title"), WithMentions(Required(text, "text"), at), at);

    /// <summary>An action card with one button across its foot (<c>singleTitle</c> / <c>singleURL</c>).</summary>
    public static DingTalkRobotMessage ActionCard(string title, string markdownText, string buttonTitle, string buttonUrl) =>
        new ActionCardMessage(Required(title, "title"), Required(markdownText, "text"), [new DingTalkRobotButton(Required(buttonTitle, "singleTitle"), Url(buttonUrl, "singleURL"))],
            Single: true, DingTalkButtonOrientation.Vertical);

    /// <summary>An action card with its own buttons (<c>btns</c>), stacked or side by side.</summary>
    public static DingTalkRobotMessage ActionCard(string title, string markdownText, IReadOnlyList<DingTalkRobotButton> buttons,
        DingTalkButtonOrientation orientation = DingTalkButtonOrientation.Vertical)
    {
        ArgumentNullException.ThrowIfNull(buttons);
        if (buttons.Count == 0)
        {
            throw new ArgumentException("An action card with several buttons needs at least one button (btns).", nameof(buttons));
        }

        var checkedButtons = buttons.Select((b, i) => new DingTalkRobotButton(Required(b?.Title!, $"btns[{i}].title"), Url(b!.ActionUrl, $"btns[{i}].actionURL"))).ToArray();
        return new ActionCardMessage(Required(title, "title"), Required(markdownText, "text"), checkedButtons, Single: false, orientation);
    }

    /// <summary>A feed card: a list of links with pictures.</summary>
    public static DingTalkRobotMessage FeedCard(IReadOnlyList<DingTalkFeedLink> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (links.Count == 0)
        {
            throw new ArgumentException("A feed card needs at least one link (feedCard.links).", nameof(links));
        }

        return new FeedCardMessage(links.Select((l, i) => new DingTalkFeedLink(Required(l?.Title!, $"links[{i}].title"), Url(l!.MessageUrl, $"links[{i}].messageURL"),
            Url(l.PictureUrl, $"links[{i}].picURL"))).ToArray());
    }

    /// <summary>The texts DingTalk searches for the robot's keywords.</summary>
    internal abstract IEnumerable<string> Texts { get; }

    /// <summary>Writes the message as the webhook's JSON body.</summary>
    internal byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("msgtype", MessageType);
            writer.WriteStartObject(MessageType);
            WriteBody(writer);
            writer.WriteEndObject();
            WriteAfterBody(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private protected abstract void WriteBody(Utf8JsonWriter writer);

    private protected virtual void WriteAfterBody(Utf8JsonWriter writer)
    {
    }

    private static string Required(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"The robot message's {field} is required and cannot be blank.", field) : value;

    private static string Url(string value, string field)
    {
        Required(value, field);
        return Uri.TryCreate(value, UriKind.Absolute, out _) ? value
            : throw new ArgumentException($"The robot message's {field} must be an absolute URL (https://… or dingtalk://…), not '{value}'.", field);
    }

    private static string WithMentions(string text, DingTalkMentions? at)
    {
        if (at is null)
        {
            return text;
        }

        var missing = at.Mobiles.Concat(at.UserIds).Where(id => !text.Contains("@" + id, StringComparison.Ordinal)).Select(id => "@" + id).ToArray();
        return missing.Length == 0 ? text : $"{text}\n\n{string.Join(' ', missing)}";
    }

    private static void WriteAt(Utf8JsonWriter writer, DingTalkMentions? at)
    {
        if (at is null)
        {
            return;
        }

        writer.WriteStartObject("at");
        writer.WriteStartArray("atMobiles");
        foreach (var mobile in at.Mobiles)
        {
            writer.WriteStringValue(mobile);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("atUserIds");
        foreach (var id in at.UserIds)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("isAtAll", at.All);
        writer.WriteEndObject();
    }

    private sealed class TextMessage(string content, DingTalkMentions? at) : DingTalkRobotMessage
    {
        public override string MessageType => "text";

        internal override IEnumerable<string> Texts => [content];

        private protected override void WriteBody(Utf8JsonWriter writer) => writer.WriteString("content", content);

        private protected override void WriteAfterBody(Utf8JsonWriter writer) => WriteAt(writer, at);
    }

    private sealed class LinkMessage(string title, string text, string messageUrl, string? pictureUrl) : DingTalkRobotMessage
    {
        public override string MessageType => "link";

        internal override IEnumerable<string> Texts => [title, text];

        private protected override void WriteBody(Utf8JsonWriter writer)
        {
            writer.WriteString("title", title);
            writer.WriteString("text", text);
            writer.WriteString("messageUrl", messageUrl);
            writer.WriteString("picUrl", pictureUrl ?? "");
        }
    }

    private sealed class MarkdownMessage(string title, string text, DingTalkMentions? at) : DingTalkRobotMessage
    {
        public override string MessageType => "markdown";

        internal override IEnumerable<string> Texts => [title, text];

        private protected override void WriteBody(Utf8JsonWriter writer)
        {
            writer.WriteString("title", title);
            writer.WriteString("text", text);
        }

        private protected override void WriteAfterBody(Utf8JsonWriter writer) => WriteAt(writer, at);
    }

    private sealed class ActionCardMessage(string title, string text, DingTalkRobotButton[] buttons, bool Single, DingTalkButtonOrientation orientation) : DingTalkRobotMessage
    {
        public override string MessageType => "actionCard";

        internal override IEnumerable<string> Texts => [title, text, .. buttons.Select(b => b.Title)];

        private protected override void WriteBody(Utf8JsonWriter writer)
        {
            writer.WriteString("title", title);
            writer.WriteString("text", text);
            writer.WriteString("btnOrientation", orientation == DingTalkButtonOrientation.Horizontal ? "1" : "0");
            if (Single)
            {
                writer.WriteString("singleTitle", buttons[0].Title);
                writer.WriteString("singleURL", buttons[0].ActionUrl);
                return;
            }

            writer.WriteStartArray("btns");
            foreach (var button in buttons)
            {
                writer.WriteStartObject();
                writer.WriteString("title", button.Title);
                writer.WriteString("actionURL", button.ActionUrl);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    private sealed class FeedCardMessage(DingTalkFeedLink[] links) : DingTalkRobotMessage
    {
        public override string MessageType => "feedCard";

        internal override IEnumerable<string> Texts => links.Select(l => l.Title);

        private protected override void WriteBody(Utf8JsonWriter writer)
        {
            writer.WriteStartArray("links");
            foreach (var link in links)
            {
                writer.WriteStartObject();
                writer.WriteString("title", link.Title);
                writer.WriteString("messageURL", link.MessageUrl);
                writer.WriteString("picURL", link.PictureUrl);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }
}

/// <summary>Who a text or markdown message mentions: people by mobile number or user id, or everyone in the group.</summary>
public sealed record DingTalkMentions
{
    /// <summary>Mobile numbers of the people to mention.</summary>
    public IReadOnlyList<string> Mobiles { get; init; } = [];

    /// <summary>User ids (staff ids) of the people to mention.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];

    /// <summary>Mentions everyone in the group (<c>isAtAll</c>).</summary>
    public bool All { get; init; }

    /// <summary>Everyone in the group.</summary>
    public static DingTalkMentions Everyone { get; } = new() { All = true };
}

/// <summary>One button of an action card: its label and the URL it opens.</summary>
public sealed record DingTalkRobotButton(string Title, string ActionUrl);

/// <summary>One entry of a feed card.</summary>
public sealed record DingTalkFeedLink(string Title, string MessageUrl, string PictureUrl);

/// <summary>How an action card lays out its buttons (<c>btnOrientation</c>).</summary>
public enum DingTalkButtonOrientation
{
    /// <summary>Stacked, one per line ("0").</summary>
    Vertical,

    /// <summary>Side by side ("1").</summary>
    Horizontal,
}
