using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.Messages;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;

namespace Larkway.Emulator.WeCom.Web;

/// <summary>
/// How the WeCom client shows a message: text, markdown (headings, quotes, lists, bold, links, code and the three font
/// colours info / comment / warning, &lt;@userid&gt; mentions, HTML character references as their characters), media, text cards, news and template cards with their
/// buttons. Everything sent is encoded first; only our own markup is added.
/// </summary>
internal static partial class WeComMessageHtml
{
    /// <summary>The body of a message of <paramref name="msgType"/> with its msgtype object <paramref name="content"/>.</summary>
    public static string Body(string msgType, JsonElement content, WeComOrg org) => msgType switch
    {
        "text" => Text(content.Str("content"), org, content),
        "markdown" or "markdown_v2" => Markdown(content.Str("content"), org),
        "image" => Media(content, "image"),
        "voice" => Media(content, "voice"),
        "video" => Media(content, "video"),
        "file" => Media(content, "file"),
        "textcard" => TextCard(content),
        "news" => News(content),
        "mpnews" => MpNews(content),
        _ => $"<span class=\"wc-comment\">[{Html.Encode(msgType)}]</span>",
    };

    public static string Text(string? text, WeComOrg org, JsonElement? content = null)
    {
        var html = Mentions(Html.Encode(text), org).Replace("\n", "<br>", StringComparison.Ordinal);
        var mentioned = (content?.Arr("mentioned_list") ?? []).Select(m => m.GetString()).Concat((content?.Arr("mentioned_mobile_list") ?? []).Select(m => m.GetString()))
            .Where(m => !string.IsNullOrEmpty(m)).Select(m => m == "@all" ? "@all" : "@" + (org.FindUser(m!)?.Name ?? org.FindUserByMobile(m!)?.Name ?? m)).Distinct().ToList();
        return mentioned.Count == 0 ? html : html + " " + string.Join(' ', mentioned.Select(m => $"<span class=\"wc-mention\">{Html.Encode(m)}</span>"));
    }

    /// <summary>WeCom's markdown subset, line by line.</summary>
    public static string Markdown(string? markdown, WeComOrg org)
    {
        var html = new StringBuilder();
        var inList = false;
        foreach (var raw in (markdown ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            var item = ListItem().Match(line);
            if (!item.Success && inList)
            {
                html.Append("</ul>");
                inList = false;
            }

            if (Heading().Match(line) is { Success: true } heading)
            {
                var level = Math.Min(6, heading.Groups[1].Length);
                html.Append(CultureInfo.InvariantCulture, $"<h{level}>{Inline(heading.Groups[2].Value, org)}</h{level}>");
            }
            else if (line.StartsWith('>'))
            {
                html.Append("<blockquote>").Append(Inline(line[1..].TrimStart(), org)).Append("</blockquote>");
            }
            else if (item.Success)
            {
                if (!inList)
                {
                    html.Append("<ul>");
                    inList = true;
                }

                html.Append("<li>").Append(Inline(item.Groups[1].Value, org)).Append("</li>");
            }
            else if (line.Length == 0)
            {
                html.Append("<br>");
            }
            else
            {
                html.Append("<p>").Append(Inline(line, org)).Append("</p>");
            }
        }

        return html.Append(inList ? "</ul>" : string.Empty).ToString();
    }

    private static string Inline(string text, WeComOrg org)
    {
        // Character references (&#42;) show as their characters, never as syntax; in code as written.
        var references = CharacterReferences.Protect(text);
        var html = Html.Encode(references.Text);
        html = Link().Replace(html, m => Html.Link(m.Groups[1].Value, WebUtility.HtmlDecode(references.Restore(m.Groups[2].Value))));
        html = Bold().Replace(html, "<strong>$1</strong>");
        html = Code().Replace(html, m => "<code>" + references.AsWritten(m.Groups[1].Value) + "</code>");
        html = Font().Replace(html, m => $"<span class=\"wc-{m.Groups[1].Value}\">{m.Groups[2].Value}</span>");
        return references.Restore(Mentions(html, org));
    }

    /// <summary>&lt;@userid&gt; (already encoded) as the member's name.</summary>
    private static string Mentions(string encoded, WeComOrg org) =>
        Mention().Replace(encoded, m =>
        {
            var id = WebUtility.HtmlDecode(m.Groups[1].Value);
            var name = id == "all" ? "all" : org.FindUser(id)?.Name ?? id;
            return $"<span class=\"wc-mention\">@{Html.Encode(name)}</span>";
        });

    private static string Media(JsonElement content, string type)
    {
        var id = content.Str("media_id") ?? string.Empty;
        var url = WeComChatPages.MediaUrl(id);
        if (type == "image")
        {
            return $"<img class=\"wc-img\" src=\"{Html.Encode(url)}\" alt=\"image\">";
        }

        var title = content.Str("title") ?? type;
        return $"<a class=\"wc-file\" href=\"{Html.Encode(url)}\"><span class=\"icon\">{Html.Encode(type.ToUpperInvariant())}</span><span>{Html.Encode(title)}{(content.Str("description") is { } d ? "<br><span class=\"wc-comment\">" + Html.Encode(d) + "</span>" : string.Empty)}</span></a>";
    }

    private static string TextCard(JsonElement card) =>
        $"<div class=\"wc-textcard\"><div class=\"t\">{Html.Encode(card.Str("title"))}</div><div class=\"d\">{Html.Encode(card.Str("description")).Replace("\n", "<br>", StringComparison.Ordinal)}</div>"
        + $"<div class=\"more\">{Html.Link(Html.Encode(card.Str("btntxt") ?? "详情"), card.Str("url"))}</div></div>";

    private static string News(JsonElement news) =>
        "<div class=\"wc-news\">" + string.Concat((news.Arr("articles") ?? []).Select(a =>
            Html.Link($"{(Html.SafeUrl(a.Str("picurl")) is { } pic ? $"<img src=\"{Html.Encode(pic)}\" alt=\"\">" : string.Empty)}<span><span class=\"t\">{Html.Encode(a.Str("title"))}</span><br><span class=\"d\">{Html.Encode(a.Str("description"))}</span></span>", a.Str("url")))) + "</div>";

    private static string MpNews(JsonElement news) =>
        "<div class=\"wc-news\">" + string.Concat((news.Arr("articles") ?? []).Select(a =>
            $"<div><img src=\"{Html.Encode(WeComChatPages.MediaUrl(a.Str("thumb_media_id") ?? string.Empty))}\" alt=\"\"><span><span class=\"t\">{Html.Encode(a.Str("title"))}</span><br><span class=\"d\">{Html.Encode(a.Str("digest"))}</span></span></div>")) + "</div>";

    /// <summary>
    /// A template card as <paramref name="userId"/> sees it; <paramref name="message"/> set (an app message) makes its
    /// callback buttons work, through a form that posts to the page's click handler and comes back to <paramref name="back"/>.
    /// </summary>
    public static string Card(JsonElement card, WeComOrg org, AppMessage? message, string? userId, string back)
    {
        var html = new StringBuilder("<div class=\"wc-card\">");
        if (card.Obj("card_image") is { } image && Html.SafeUrl(image.Str("url")) is { } imageUrl)
        {
            html.Append("<img class=\"wc-card-image\" src=\"").Append(Html.Encode(imageUrl)).Append("\" alt=\"\">");
        }

        html.Append("<div class=\"wc-card-body\">");
        if (card.Obj("source") is { } source)
        {
            html.Append("<div class=\"wc-card-source\">").Append(Html.Encode(source.Str("desc"))).Append("</div>");
        }

        if (card.Obj("main_title") is { } title)
        {
            html.Append("<div class=\"wc-card-title\">").Append(Html.Encode(title.Str("title"))).Append("</div>");
            if (title.Str("desc") is { } desc)
            {
                html.Append("<div class=\"wc-card-desc\">").Append(Html.Encode(desc)).Append("</div>");
            }
        }

        if (card.Obj("emphasis_content") is { } emphasis)
        {
            html.Append("<div class=\"wc-emphasis\"><div class=\"v\">").Append(Html.Encode(emphasis.Str("title"))).Append("</div><div class=\"d\">").Append(Html.Encode(emphasis.Str("desc"))).Append("</div></div>");
        }

        if (card.Obj("quote_area") is { } quote)
        {
            html.Append("<div class=\"wc-quote\"><strong>").Append(Html.Encode(quote.Str("title"))).Append("</strong><br>").Append(Html.Encode(quote.Str("quote_text"))).Append("</div>");
        }

        if (card.Obj("image_text_area") is { } area)
        {
            html.Append("<div class=\"wc-news\">").Append(Html.Link($"{(Html.SafeUrl(area.Str("image_url")) is { } pic ? $"<img src=\"{Html.Encode(pic)}\" alt=\"\">" : string.Empty)}<span><span class=\"t\">{Html.Encode(area.Str("title"))}</span><br><span class=\"d\">{Html.Encode(area.Str("desc"))}</span></span>", area.Str("url"))).Append("</div>");
        }

        if (card.Str("sub_title_text") is { } sub)
        {
            html.Append("<p>").Append(Html.Encode(sub).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        foreach (var item in card.Arr("vertical_content_list") ?? [])
        {
            html.Append("<p><strong>").Append(Html.Encode(item.Str("title"))).Append("</strong><br>").Append(Html.Encode(item.Str("desc"))).Append("</p>");
        }

        var fields = card.Arr("horizontal_content_list") ?? [];
        if (fields.Count > 0)
        {
            html.Append("<dl class=\"wc-fields\">");
            foreach (var field in fields)
            {
                var value = field.Int("type") == 3 ? org.FindUser(field.Str("userid") ?? string.Empty)?.Name ?? field.Str("value") : field.Str("value");
                html.Append("<dt>").Append(Html.Encode(field.Str("keyname"))).Append("</dt><dd>")
                    .Append(field.Int("type") == 1 ? Html.Link(Html.Encode(value), field.Str("url")) : Html.Encode(value)).Append("</dd>");
            }

            html.Append("</dl>");
        }

        var jumps = card.Arr("jump_list") ?? [];
        if (jumps.Count > 0)
        {
            html.Append("<div class=\"wc-jump\">");
            foreach (var jump in jumps)
            {
                html.Append(Html.Link(Html.Encode(jump.Str("title")), jump.Str("url")));
            }

            html.Append("</div>");
        }

        html.Append("</div>");
        html.Append(Actions(card, message, userId, back));
        return html.Append("</div>").ToString();
    }

    private static string Actions(JsonElement card, AppMessage? message, string? userId, string back)
    {
        var type = card.Str("card_type");
        if (!TemplateCardRules.IsInteractive(type ?? string.Empty))
        {
            return string.Empty;
        }

        if (message is not null && userId is not null && message.ReplacedFor(userId) is { } replaced)
        {
            return $"<div class=\"wc-card-actions\"><span class=\"done\">{Html.Encode(replaced)}</span></div>";
        }

        var enabled = message is not null && userId is not null && !message.Recalled;
        var form = new StringBuilder();
        var formId = "card-" + (message?.MsgId ?? "preview");
        if (enabled)
        {
            form.Append(CultureInfo.InvariantCulture, $"<form id=\"{Html.Encode(formId)}\" method=\"post\" action=\"{Html.Encode(WeComChatPages.CardClickPath(message!.MsgId))}\">")
                .Append("<input type=\"hidden\" name=\"user\" value=\"").Append(Html.Encode(userId)).Append("\">")
                .Append("<input type=\"hidden\" name=\"back\" value=\"").Append(Html.Encode(back)).Append("\"></form>");
        }

        var attrs = enabled ? $" form=\"{Html.Encode(formId)}\"" : " disabled";
        var questions = new StringBuilder();
        if (card.Obj("button_selection") is { } selection)
        {
            questions.Append(Select(selection, attrs));
        }

        if (card.Obj("checkbox") is { } checkbox)
        {
            var multiple = (checkbox.Int("mode") ?? 0) == 1;
            var name = "q_" + checkbox.Str("question_key");
            questions.Append("<div class=\"wc-question\">");
            foreach (var option in checkbox.Arr("option_list") ?? [])
            {
                var isChecked = option.Field("is_checked") is { ValueKind: JsonValueKind.True };
                questions.Append(CultureInfo.InvariantCulture, $"<label><input type=\"{(multiple ? "checkbox" : "radio")}\" name=\"{Html.Encode(name)}\" value=\"{Html.Encode(option.Str("id"))}\"{(isChecked ? " checked" : string.Empty)}{attrs}> {Html.Encode(option.Str("text"))}</label>");
            }

            questions.Append("</div>");
        }

        foreach (var select in card.Arr("select_list") ?? [])
        {
            questions.Append(Select(select, attrs));
        }

        var buttons = string.Concat(TemplateCardRules.Buttons(card).Select(b =>
            $"<button type=\"submit\" class=\"btn s{b.Style}\" name=\"key\" value=\"{Html.Encode(b.Key)}\"{attrs}>{Html.Encode(b.Text)}</button>"));
        var links = string.Concat((card.Arr("button_list") ?? []).Where(b => b.Int("type") == 1).Select(b => Html.Link($"<span class=\"btn s2\">{Html.Encode(b.Str("text"))}</span>", b.Str("url"))));
        return form + questions.ToString() + $"<div class=\"wc-card-actions\">{buttons}{links}</div>";
    }

    private static string Select(JsonElement question, string attrs)
    {
        var selected = question.Str("selected_id");
        var html = new StringBuilder("<div class=\"wc-question\">");
        if (question.Str("title") is { } title)
        {
            html.Append(Html.Encode(title));
        }

        html.Append("<select name=\"q_").Append(Html.Encode(question.Str("question_key"))).Append('"').Append(attrs).Append('>');
        foreach (var option in question.Arr("option_list") ?? [])
        {
            var id = option.Str("id");
            html.Append("<option value=\"").Append(Html.Encode(id)).Append('"').Append(id == selected ? " selected" : string.Empty).Append('>').Append(Html.Encode(option.Str("text"))).Append("</option>");
        }

        return html.Append("</select></div>").ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*(?:[-*]|\d+\.)\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex("&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;/font&gt;")]
    private static partial Regex Font();

    [GeneratedRegex(@"&lt;@([A-Za-z0-9_.\-@]+)&gt;")]
    private static partial Regex Mention();
}
