using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.State;
using static Larkway.Emulator.Web.JsonRead;

namespace Larkway.Emulator.Web;

/// <summary>A stored message as a person would see it in the chat view.</summary>
internal sealed class MessageHtmlRenderer(EmulatorState state)
{
    private readonly PersonNames _names = new(state);

    /// <param name="operatorOpenId">The user acting in the page; given, app cards get clickable elements.</param>
    public string Render(EmulatorMessage message, string? operatorOpenId = null)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"msg").Append(message.Sender.SenderType == "app" ? " from-bot" : string.Empty).Append("\" id=\"").Append(Html.Encode(message.MessageId)).Append("\">");
        html.Append("<div class=\"meta\"><span class=\"sender\">").Append(Html.Encode(SenderName(message))).Append("</span> <time>")
            .Append(DateTimeOffset.FromUnixTimeMilliseconds(message.CreateTimeMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)).Append("</time>");
        if (message.ParentId is not null)
        {
            html.Append(" <span class=\"tag\">reply</span>");
        }

        if (message.Updated && !message.Deleted)
        {
            html.Append(" <span class=\"tag\">edited</span>");
        }

        html.Append("</div><div class=\"content\">");
        html.Append(message.Deleted ? "<em class=\"recalled\">This message was recalled</em>" : Content(message, operatorOpenId));
        return html.Append("</div></div>").ToString();
    }

    private string SenderName(EmulatorMessage message) =>
        message.Sender.Name
        ?? state.FindApp(message.Sender.Id)?.BotName
        ?? state.FindUser("open_id", message.Sender.Id)?.Name
        ?? message.Sender.Id;

    private string Content(EmulatorMessage message, string? operatorOpenId)
    {
        using var document = JsonDocument.Parse(message.Content);
        var content = document.RootElement;
        switch (message.MsgType)
        {
            case "text":
                return WithMentions(Html.Encode(Str(content, "text")), message).Replace("\n", "<br>", StringComparison.Ordinal);
            case "post":
                return Post(content, message);
            case "image":
                return Image(Str(content, "image_key"));
            case "file" or "audio" or "media":
                var key = Str(content, "file_key") ?? string.Empty;
                var name = Str(content, "file_name") ?? message.MsgType;
                return $"<a class=\"file\" href=\"{Html.ResourceUrl(key)}\">📎 {Html.Encode(name)}</a>";
            case "interactive":
                using (var card = JsonDocument.Parse(message.SendContent))
                {
                    // Only app bots receive callbacks; custom-bot and user cards stay inert.
                    var clickable = operatorOpenId is not null && message.Sender.SenderType == "app" && state.FindApp(message.Sender.Id) is not null;
                    return CardHtmlRenderer.Render(card.RootElement, clickable ? new CardActionContext(message.MessageId, operatorOpenId!) : null, _names);
                }

            case "share_chat":
                return "Shared chat: " + Html.Encode(state.FindChat(Str(content, "chat_id") ?? string.Empty)?.Name ?? Str(content, "chat_id"));
            case "share_user":
                return "Shared contact: " + Html.Encode(state.FindUser("open_id", Str(content, "user_id") ?? string.Empty)?.Name ?? Str(content, "user_id"));
            default:
                return "[" + Html.Encode(message.MsgType) + "]";
        }
    }

    private string Post(JsonElement content, EmulatorMessage message)
    {
        var html = new StringBuilder("<div class=\"post\">");
        if (Str(content, "title") is { Length: > 0 } title)
        {
            html.Append("<div class=\"post-title\">").Append(Html.Encode(title)).Append("</div>");
        }

        if (content.TryGetProperty("content", out var paragraphs) && paragraphs.ValueKind == JsonValueKind.Array)
        {
            foreach (var paragraph in paragraphs.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Array))
            {
                html.Append("<p>");
                foreach (var node in paragraph.EnumerateArray())
                {
                    html.Append(PostNode(node, message));
                }

                html.Append("</p>");
            }
        }

        return html.Append("</div>").ToString();
    }

    private string PostNode(JsonElement node, EmulatorMessage message) => Str(node, "tag") switch
    {
        "text" => Styled(Html.Encode(Str(node, "text")), node),
        "a" => Html.Link(Styled(Html.Encode(Str(node, "text")), node), Str(node, "href")),
        "at" => Mention(Str(node, "user_id"), Str(node, "user_name"), message),
        "img" => Image(Str(node, "image_key")),
        "media" => $"<a class=\"file\" href=\"{Html.ResourceUrl(Str(node, "file_key") ?? string.Empty)}\">🎞 media</a>",
        "emotion" => "<span class=\"emoji\">[" + Html.Encode(Str(node, "emoji_type")) + "]</span>",
        "hr" => "<hr>",
        "code_block" => "<pre><code>" + Html.Encode(Str(node, "text")) + "</code></pre>",
        _ => Html.Encode(Str(node, "text")),
    };

    private static string Styled(string html, JsonElement node)
    {
        if (!node.TryGetProperty("style", out var style) || style.ValueKind != JsonValueKind.Array)
        {
            return html;
        }

        foreach (var item in style.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString() : null))
        {
            html = item switch
            {
                "bold" => "<strong>" + html + "</strong>",
                "italic" => "<em>" + html + "</em>",
                "underline" => "<u>" + html + "</u>",
                "lineThrough" => "<del>" + html + "</del>",
                _ => html,
            };
        }

        return html;
    }

    private string WithMentions(string encodedText, EmulatorMessage message)
    {
        // Longest keys first so @_user_10 is not consumed by @_user_1.
        foreach (var mention in message.Mentions.OrderByDescending(m => m.Key.Length))
        {
            encodedText = encodedText.Replace(mention.Key, Mention(mention.Key, mention.Name, message), StringComparison.Ordinal);
        }

        return encodedText.Replace("@_all", "<span class=\"mention\">@所有人</span>", StringComparison.Ordinal);
    }

    /// <summary>
    /// A mention as the client shows it: the person's name — as stored with the message, else as the directory has it
    /// now (a mention sent with an empty name), else the name the sender wrote, else the id.
    /// </summary>
    private string Mention(string? key, string? name, EmulatorMessage message)
    {
        var mention = message.Mentions.FirstOrDefault(m => m.Key == key);
        var resolved = NonEmpty(mention?.Name) ?? (mention is null ? null : _names.Of(mention.Id)) ?? NonEmpty(name) ?? mention?.Id ?? key;
        return "<span class=\"mention\">@" + Html.Encode(resolved) + "</span>";
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string Image(string? key) => $"<img class=\"image\" src=\"{Html.ResourceUrl(key ?? string.Empty)}\" alt=\"image\">";
}
