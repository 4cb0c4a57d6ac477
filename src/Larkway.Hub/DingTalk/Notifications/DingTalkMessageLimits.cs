using Larkway.Hub.Notifications;
using System.Globalization;
using System.Text.Json;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// DingTalk's limits on the messages a rendered card becomes, in one place, and how they are measured. Characters are
/// counted as DingTalk's (Java) servers count a string's length — UTF-16 code units, so an emoji outside the BMP counts 2
/// (DingTalk does not say; this errs on the short side) — and bytes as UTF-8 of the JSON as the client library sends it
/// (non-ASCII escaped as <c>\uXXXX</c>, the most DingTalk could count). Shortening never splits a text element (an
/// emoji, a ZWJ sequence, a letter with its accents).
/// </summary>
internal static class DingTalkMessageLimits
{
    /// <summary>
    /// The app robot's <c>msgParam</c>, in bytes: "不超过15000字节" (DingTalk's "机器人发送群聊消息", the group send's
    /// msgParam), applied to one-to-one sends too. The client library refuses more.
    /// </summary>
    public const int RobotParamBytes = Larkway.DingTalk.Robots.DingTalkAppRobotMessage.MaxParamBytes;

    /// <summary>
    /// Buttons the app robot's action card templates take: <c>sampleActionCard</c> one, <c>sampleActionCard2</c>…<c>5</c>
    /// two to five stacked, <c>sampleActionCard6</c> two side by side (robot message types, open.dingtalk.com
    /// /document/development/robot-message-type). A work notification's <c>btn_json_list</c> documents no
    /// count; the same card gets the same buttons on both.
    /// </summary>
    public const int MaxButtons = 5;

    /// <summary>
    /// A button's title, in characters: <c>single_title</c> and <c>btn_json_list.title</c> are "最长20个字符" (work
    /// notification message types, open.dingtalk.com/document/orgapp/message-types-and-data-format); the app robot's
    /// templates document none and get the same.
    /// </summary>
    public const int ButtonTitleChars = 20;

    /// <summary>
    /// A work notification's whole <c>msg</c>, in bytes: "最长不超过2048个字节" (asyncsend_v2, open.dingtalk.com
    /// /document/orgapp/asynchronous-sending-of-enterprise-session-messages).
    /// </summary>
    public const int WorkNotificationMsgBytes = 2048;

    /// <summary>
    /// A work notification's text and markdown body, in characters: "建议500字符以内" (message-types-and-data-format).
    /// Recommended, not refused; kept as the limit because the notification folds what is longer.
    /// </summary>
    public const int WorkNotificationTextChars = 500;

    /// <summary>A work notification's action card body, in characters: "建议1000个字符以内" (message-types-and-data-format).</summary>
    public const int WorkNotificationActionCardChars = 1000;

    /// <summary>
    /// The title, in characters. DingTalk documents none for these messages; the conversation list and the notification
    /// show one line of it, so the Hub keeps it to this (the Hub's choice, not DingTalk's).
    /// </summary>
    public const int TitleChars = 64;

    /// <summary>Length as DingTalk counts characters (UTF-16 code units).</summary>
    public static int Chars(string text) => text.Length;

    /// <summary>
    /// The longest start of <paramref name="text"/> of at most <paramref name="maxChars"/> characters that ends between
    /// text elements.
    /// </summary>
    public static string Prefix(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var end = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = elements.ElementIndex + elements.GetTextElement().Length;
            if (next > maxChars)
            {
                break;
            }

            end = next;
        }

        return text[..end];
    }

    /// <summary>The text cut to <paramref name="maxChars"/> characters with "…" marking the cut; unchanged when it fits.</summary>
    public static string Shorten(string text, int maxChars) =>
        text.Length <= maxChars ? text : Prefix(text, maxChars - Ellipsis.Length).TrimEnd() + Ellipsis;

    /// <summary>The marker of a cut.</summary>
    public const string Ellipsis = "…";

    /// <summary>The app robot's <c>msgParam</c> size: the parameters as the JSON object the client library writes.</summary>
    public static int RobotParamSize(IEnumerable<KeyValuePair<string, string>> parameters) => JsonBytes(w =>
    {
        foreach (var (key, value) in parameters)
        {
            w.WriteString(key, value);
        }
    });

    /// <summary>A work notification's <c>msg</c> size, written as the client library writes it.</summary>
    public static int WorkNotificationSize(DingTalkMessageContent content) => JsonBytes(w =>
    {
        w.WriteString("msgtype", content.WorkNotificationType);
        w.WriteStartObject(content.WorkNotificationType);
        switch (content.Kind)
        {
            case DingTalkMessageKind.Text:
                w.WriteString("content", content.Text);
                break;
            case DingTalkMessageKind.Markdown:
                w.WriteString("title", content.Title);
                w.WriteString("text", content.Text);
                break;
            default:
                w.WriteString("title", content.Title);
                w.WriteString("markdown", content.Text);
                if (content.Buttons.Count == 1)
                {
                    w.WriteString("single_title", content.Buttons[0].Title);
                    w.WriteString("single_url", content.Buttons[0].ActionUrl);
                    break;
                }

                w.WriteString("btn_orientation", "0");
                w.WriteStartArray("btn_json_list");
                foreach (var button in content.Buttons)
                {
                    w.WriteStartObject();
                    w.WriteString("title", button.Title);
                    w.WriteString("action_url", button.ActionUrl);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
        }

        w.WriteEndObject();
    });

    private static int JsonBytes(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenCount;
    }
}
