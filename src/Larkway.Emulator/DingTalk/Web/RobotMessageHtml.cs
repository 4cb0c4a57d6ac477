using System.Text;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.Web;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// A robot message as a group member sees it: markdown rendered (headings, quotes, lists, then the inline subset of
/// <see cref="Html.Markdown"/>), link and feed cards as links, action-card buttons as links. Everything the sender wrote
/// is encoded first; only http(s) links become links or images.
/// </summary>
internal static class RobotMessageHtml
{
    public static string Render(RobotMessage message, string robotName) =>
        new StringBuilder("<div class=\"msg\" data-msgtype=\"").Append(Html.Encode(message.MsgType)).Append("\"><div class=\"meta\">")
            .Append(Html.Encode(robotName)).Append(" · ").Append(Html.Encode(message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)))
            .Append("</div>").Append(Content(message)).Append("</div>").ToString();

    /// <summary>The message's body without the frame (the chat page puts it in a bubble).</summary>
    public static string Content(RobotMessage message)
    {
        var html = new StringBuilder();
        var content = message.Content;
        switch (message.MsgType)
        {
            case "text":
                html.Append("<p>").Append(Html.Encode(Text(content, "content")).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
                break;
            case "markdown":
                html.Append(Markdown(Text(content, "text")));
                break;
            case "link":
                html.Append(Image(Text(content, "picUrl")))
                    .Append("<p><strong>").Append(Html.Link(Html.Encode(Text(content, "title")), Text(content, "messageUrl"))).Append("</strong></p><p>")
                    .Append(Html.Encode(Text(content, "text"))).Append("</p>");
                break;
            case "actionCard":
                html.Append(Markdown(Text(content, "text"))).Append(ActionButtons(content));
                break;
            case "feedCard":
                html.Append("<ul class=\"feed\">");
                foreach (var link in content.GetProperty("links").EnumerateArray())
                {
                    html.Append("<li>").Append(Image(Text(link, "picURL"))).Append(Html.Link(Html.Encode(Text(link, "title")), Text(link, "messageURL"))).Append("</li>");
                }

                html.Append("</ul>");
                break;
        }

        return html.Append(Mentions(message.At)).ToString();
    }

    /// <summary>DingTalk's markdown subset: # headings, &gt; quotes and - / * list items per line; inline marks by <see cref="Html.Markdown"/>.</summary>
    public static string Markdown(string text)
    {
        var html = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            var level = line.TakeWhile(c => c == '#').Count();
            if (level is > 0 and <= 6 && line.Length > level && line[level] == ' ')
            {
                html.Append("<h").Append(level + 1 > 6 ? 6 : level + 1).Append('>').Append(Html.Markdown(line[(level + 1)..])).Append("</h").Append(level + 1 > 6 ? 6 : level + 1).Append('>');
            }
            else if (line.StartsWith('>'))
            {
                html.Append("<blockquote>").Append(Html.Markdown(line[1..].Trim())).Append("</blockquote>");
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal))
            {
                html.Append("<ul><li>").Append(Html.Markdown(line[2..])).Append("</li></ul>");
            }
            else if (line.Length > 0)
            {
                html.Append("<p>").Append(Html.Markdown(line)).Append("</p>");
            }
        }

        return html.ToString();
    }

    /// <summary>One button (singleTitle/singleURL) or btns; "1" lays them out side by side, "0" (default) stacked.</summary>
    internal static string ActionButtons(JsonElement card)
    {
        var horizontal = card.TryGetProperty("btnOrientation", out var o) && o.ValueKind == JsonValueKind.String && o.GetString() == "1";
        var html = new StringBuilder("<div class=\"actions ").Append(horizontal ? "horizontal" : "vertical").Append("\">");
        if (card.TryGetProperty("singleTitle", out _))
        {
            html.Append(Button(Text(card, "singleTitle"), Text(card, "singleURL")));
        }
        else if (card.TryGetProperty("btns", out var buttons) && buttons.ValueKind == JsonValueKind.Array)
        {
            foreach (var button in buttons.EnumerateArray())
            {
                html.Append(Button(Text(button, "title"), Text(button, "actionURL")));
            }
        }

        return html.Append("</div>").ToString();
    }

    internal static string Button(string title, string url) =>
        Html.SafeUrl(url) is { } safe
            ? $"<a class=\"btn\" href=\"{Html.Encode(safe)}\" rel=\"noopener noreferrer\" target=\"_blank\">{Html.Encode(title)}</a>"
            : $"<span class=\"btn\">{Html.Encode(title)}</span>";

    internal static string Image(string url) =>
        Html.SafeUrl(url) is { } safe ? $"<img class=\"pic\" src=\"{Html.Encode(safe)}\" alt=\"\">" : string.Empty;

    private static string Mentions(RobotAt at)
    {
        var names = at.IsAtAll ? ["@all"] : at.AtMobiles.Concat(at.AtUserIds).Select(id => "@" + id).ToList();
        return names.Count == 0 ? string.Empty : $"<p class=\"meta\">Mentions: {Html.Encode(string.Join(", ", names))}</p>";
    }

    private static string Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
