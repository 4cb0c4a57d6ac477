using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Chat;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.DingTalk.WorkNotifications;
using Larkway.Emulator.Web;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// Each kind of DingTalk message as a chat bubble. Everything a sender wrote is encoded before any markup is added
/// (<see cref="RobotMessageHtml.Markdown"/>); only http(s) links become links, and they open in a new tab as the DingTalk
/// client opens them in its browser.
/// </summary>
internal static class ChatMessageHtml
{
    /// <summary>A bubble: incoming ones on the left with the sender's initial, the viewer's own on the right.</summary>
    public static string Bubble(bool mine, string sender, DateTimeOffset at, string content, string kind, string? id = null)
    {
        var html = new StringBuilder("<div class=\"dt-row ").Append(mine ? "mine" : "theirs").Append("\" data-kind=\"").Append(kind).Append('"');
        if (id is not null)
        {
            html.Append(" id=\"").Append(Html.Encode(id)).Append('"');
        }

        html.Append("><div class=\"dt-avatar").Append(kind is "robot" or "card" or "notification" ? " bot" : string.Empty).Append("\">")
            .Append(Html.Encode(sender.Length > 0 ? sender[..1].ToUpperInvariant() : "?")).Append("</div><div class=\"dt-col\"><div class=\"dt-name\">")
            .Append(Html.Encode(sender)).Append(" <span class=\"dt-time\" title=\"").Append(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC\">")
            .Append(at.UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("</span></div><div class=\"dt-bubble\">")
            .Append(content).Append("</div></div></div>");
        return html.ToString();
    }

    /// <summary>The app robot's sample* templates.</summary>
    public static string AppRobot(AppRobotMessage message)
    {
        if (message.RecalledAt is not null)
        {
            return "<p class=\"dt-recalled\">This message was recalled.</p>";
        }

        var p = message.MsgParam;
        return message.MsgKey switch
        {
            "sampleText" => Plain(Text(p, "content")),
            "sampleMarkdown" => Titled(Text(p, "title"), RobotMessageHtml.Markdown(Text(p, "text"))),
            "sampleImageMsg" => RobotMessageHtml.Image(Text(p, "photoURL")),
            "sampleLink" => LinkCard(Text(p, "title"), Text(p, "text"), Text(p, "messageUrl"), Text(p, "picUrl")),
            "sampleActionCard" => ActionCard(Text(p, "title"), Text(p, "text"), [(Text(p, "singleTitle"), Text(p, "singleURL"))], vertical: true),
            "sampleActionCard6" => ActionCard(Text(p, "title"), Text(p, "text"), [(Text(p, "buttonTitle1"), Text(p, "buttonUrl1")), (Text(p, "buttonTitle2"), Text(p, "buttonUrl2"))], vertical: false),
            var key when key.StartsWith("sampleActionCard", StringComparison.Ordinal) => ActionCard(Text(p, "title"), Text(p, "text"), NumberedButtons(p), vertical: true),
            _ => Plain(message.MsgKey),
        };
    }

    /// <summary>A work notification's msg: text, markdown, link or action_card.</summary>
    public static string WorkNotification(WorkNotification notification)
    {
        var msg = notification.Msg;
        var body = msg.TryGetProperty(notification.MsgType, out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : default;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Plain("(" + notification.MsgType + ")");
        }

        return notification.MsgType switch
        {
            "text" => Plain(Text(body, "content")),
            "markdown" => Titled(Text(body, "title"), RobotMessageHtml.Markdown(Text(body, "text"))),
            "link" => LinkCard(Text(body, "title"), Text(body, "text"), Text(body, "messageUrl"), Text(body, "picUrl")),
            "action_card" => ActionCard(Text(body, "title"), Text(body, "markdown"), WorkNotificationButtons(body), vertical: Text(body, "btn_orientation") != "1"),
            _ => Plain("(" + notification.MsgType + ")"),
        };
    }

    /// <summary>A reply posted to a session webhook (or a synchronous HTTP answer): text or markdown.</summary>
    public static string Reply(DingTalkSessionReply reply)
    {
        try
        {
            using var document = JsonDocument.Parse(reply.Body);
            var root = document.RootElement;
            return reply.MsgType == "markdown" && root.TryGetProperty("markdown", out var md)
                ? Titled(Text(md, "title"), RobotMessageHtml.Markdown(Text(md, "text")))
                : Plain(root.TryGetProperty("text", out var text) ? Text(text, "content") : string.Empty);
        }
        catch (JsonException)
        {
            return Plain(string.Empty);
        }
    }

    public static string User(DingTalkUserMessage message, string robotName) =>
        (message.AtBot && message.ConversationType == "2" ? $"<span class=\"mention\">@{Html.Encode(robotName)}</span> " : string.Empty)
        + Html.Encode(message.Text).Replace("\n", "<br>", StringComparison.Ordinal);

    /// <summary>
    /// An interactive or AI card: its title, its markdown-ish content keys, the other keys as fields, the streaming state,
    /// and its buttons — callbacks as form buttons posting to <paramref name="clickPath"/>, links opening in a new tab.
    /// </summary>
    public static string Card(CardInstance card, string? clickPath, string? actingUserId, string back)
    {
        var html = new StringBuilder("<div class=\"dt-card\" data-out-track-id=\"").Append(Html.Encode(card.OutTrackId)).Append("\" data-status=\"").Append(Html.Encode(card.Status)).Append("\">");
        if (card.Data.TryGetValue("title", out var title) && title.Length > 0)
        {
            html.Append("<div class=\"dt-card-title\">").Append(Html.Encode(title)).Append("</div>");
        }

        html.Append("<div class=\"dt-card-body\">");
        foreach (var key in ContentKeys.Where(card.Data.ContainsKey))
        {
            html.Append("<div class=\"dt-card-content\" data-key=\"").Append(key).Append("\">").Append(RobotMessageHtml.Markdown(card.Data[key])).Append("</div>");
        }

        var fields = card.Data.Where(p => !ContentKeys.Contains(p.Key) && p.Key is not ("title" or CardButton.DataKey or "flowStatus") && !p.Key.StartsWith("sys_", StringComparison.Ordinal)).ToList();
        if (fields.Count > 0)
        {
            html.Append("<dl class=\"dt-fields\">");
            foreach (var (key, value) in fields)
            {
                html.Append("<dt>").Append(Html.Encode(key)).Append("</dt><dd data-key=\"").Append(Html.Encode(key)).Append("\">").Append(Html.Encode(value)).Append("</dd>");
            }

            html.Append("</dl>");
        }

        html.Append(StatusLine(card)).Append("</div>");
        var buttons = CardButton.Of(card);
        if (buttons.Count > 0)
        {
            html.Append("<div class=\"dt-card-actions\">");
            for (var i = 0; i < buttons.Count; i++)
            {
                html.Append(CardButtonHtml(buttons[i], i, card, clickPath, actingUserId, back));
            }

            html.Append("</div>");
        }

        return html.Append("</div>").ToString();
    }

    /// <summary>The keys rendered as the card's text (AI cards stream into <c>content</c> by default).</summary>
    private static readonly string[] ContentKeys = ["content", "markdown", "text", "msgContent", "lastMessage"];

    /// <summary>AI cards: flowStatus 1 processing, 2 inputing, 3 finished, 5 failed; otherwise the emulator's streaming status.</summary>
    private static string StatusLine(CardInstance card)
    {
        var flow = card.Data.GetValueOrDefault("flowStatus");
        var (css, text) = (card.Status, flow) switch
        {
            (CardInstance.Failed, _) or (_, "5") => ("failed", "Failed"),
            (CardInstance.Finished, _) or (_, "3") => ("finished", "Finished"),
            (CardInstance.Streaming, _) or (_, "2") => ("streaming", "Typing…"),
            (_, "1") or (_, "4") => ("streaming", "Thinking…"),
            _ => (string.Empty, string.Empty),
        };
        return text.Length == 0 ? string.Empty : $"<div class=\"dt-card-status {css}\">{text}</div>";
    }

    private static string CardButtonHtml(CardButton button, int index, CardInstance card, string? clickPath, string? actingUserId, string back)
    {
        if (button.ActionId is null)
        {
            return RobotMessageHtml.Button(button.Text, button.Url!);
        }

        if (clickPath is null || actingUserId is null)
        {
            return $"<span class=\"btn\">{Html.Encode(button.Text)}</span>";
        }

        return new StringBuilder("<form class=\"card-action\" method=\"post\" action=\"").Append(Html.Encode(clickPath)).Append("\">")
            .Append("<input type=\"hidden\" name=\"user\" value=\"").Append(Html.Encode(actingUserId)).Append("\">")
            .Append("<input type=\"hidden\" name=\"button\" value=\"").Append(index.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append("<input type=\"hidden\" name=\"back\" value=\"").Append(Html.Encode(back)).Append("\">")
            .Append("<button type=\"submit\" class=\"btn").Append(index == 0 ? " btn-primary" : string.Empty).Append("\" data-action-id=\"").Append(Html.Encode(button.ActionId)).Append("\">")
            .Append(Html.Encode(button.Text)).Append("</button></form>").ToString();
    }

    private static string Plain(string text) => "<p>" + Html.Encode(text).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";

    // DingTalk shows a markdown or action card message's title only where the message is previewed (the conversation
    // list, the push): the bubble shows the text alone, which carries its own heading. The title stays on the bubble as data.
    private static string Titled(string title, string body) =>
        $"<div class=\"dt-md\" data-title=\"{Html.Encode(title)}\">{body}</div>";

    private static string LinkCard(string title, string text, string url, string picUrl) =>
        $"<div class=\"dt-link\">{RobotMessageHtml.Image(picUrl)}<div><strong>{Html.Link(Html.Encode(title), url)}</strong><p>{Html.Encode(text)}</p></div></div>";

    private static string ActionCard(string title, string markdown, IEnumerable<(string Title, string Url)> buttons, bool vertical)
    {
        var html = new StringBuilder(Titled(title, RobotMessageHtml.Markdown(markdown))).Append("<div class=\"actions ").Append(vertical ? "vertical" : "horizontal").Append("\">");
        foreach (var (text, url) in buttons.Where(b => b.Title.Length > 0))
        {
            html.Append(RobotMessageHtml.Button(text, url));
        }

        return html.Append("</div>").ToString();
    }

    private static IEnumerable<(string, string)> NumberedButtons(JsonElement p)
    {
        for (var n = 1; n <= 5; n++)
        {
            var suffix = n.ToString(CultureInfo.InvariantCulture);
            yield return (Text(p, "actionTitle" + suffix), Text(p, "actionURL" + suffix));
        }
    }

    private static IEnumerable<(string, string)> WorkNotificationButtons(JsonElement card)
    {
        if (Text(card, "single_title") is { Length: > 0 } single)
        {
            yield return (single, Text(card, "single_url"));
        }
        else if (card.TryGetProperty("btn_json_list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var button in list.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object))
            {
                yield return (Text(button, "title"), Text(button, "action_url"));
            }
        }
    }

    private static string Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
