using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Docs;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Web;

/// <summary>
/// A docx as the Feishu client shows it: headings, paragraphs with bold, italic, strikethrough, underline, inline code and
/// links, bullet and numbered lists, todos, code, quotes, callouts, dividers, tables, image placeholders; other block types
/// as a labelled box. Everything written goes through <see cref="Html.Encode"/>; links only when http(s).
/// </summary>
internal static class DocHtml
{
    public static string Render(EmulatorState state, DocFile file)
    {
        var byId = file.Blocks.ToDictionary(b => b.BlockId, StringComparer.Ordinal);
        var html = new StringBuilder("<article class=\"doc\">");
        Children(html, state, byId, DocEdits.Page(file));
        return html.Append("</article>").ToString();
    }

    private static void Children(StringBuilder html, EmulatorState state, Dictionary<string, DocBlock> byId, DocBlock parent)
    {
        string? openList = null;
        foreach (var id in parent.Children)
        {
            if (!byId.TryGetValue(id, out var block))
            {
                continue;
            }

            var list = block.BlockType switch
            {
                BlockRules.Bullet => "ul",
                BlockRules.Ordered => "ol",
                _ => null,
            };
            if (list != openList)
            {
                if (openList is not null)
                {
                    html.Append("</").Append(openList).Append('>');
                }

                if (list is not null)
                {
                    html.Append('<').Append(list).Append('>');
                }

                openList = list;
            }

            Block(html, state, byId, block);
        }

        if (openList is not null)
        {
            html.Append("</").Append(openList).Append('>');
        }
    }

    private static void Block(StringBuilder html, EmulatorState state, Dictionary<string, DocBlock> byId, DocBlock block)
    {
        var id = " data-block-id=\"" + Html.Encode(block.BlockId) + "\"";
        switch (block.BlockType)
        {
            case var heading when BlockRules.IsHeading(heading):
                var level = Math.Min(heading - BlockRules.Heading1 + 2, 6).ToString(CultureInfo.InvariantCulture);
                html.Append("<h").Append(level).Append(id).Append('>').Append(Inline(state, block)).Append("</h").Append(level).Append('>');
                break;
            case BlockRules.Text:
                html.Append("<p").Append(id).Append('>').Append(Inline(state, block)).Append("</p>");
                break;
            case BlockRules.Bullet or BlockRules.Ordered:
                html.Append("<li").Append(id).Append('>').Append(Inline(state, block));
                Children(html, state, byId, block);
                html.Append("</li>");
                return;
            case BlockRules.Todo:
                var done = block.Data.TryGetProperty("style", out var s) && s.TryGetProperty("done", out var d) && d.ValueKind == JsonValueKind.True;
                html.Append("<p class=\"todo\"").Append(id).Append("><input type=\"checkbox\" disabled").Append(done ? " checked" : string.Empty).Append("> ").Append(Inline(state, block)).Append("</p>");
                break;
            case BlockRules.Code:
                html.Append("<pre").Append(id).Append("><code>").Append(Html.Encode(DocsViews.PlainText(state, block))).Append("</code></pre>");
                break;
            case BlockRules.Quote:
                html.Append("<blockquote").Append(id).Append('>').Append(Inline(state, block)).Append("</blockquote>");
                break;
            case BlockRules.Equation:
                html.Append("<p").Append(id).Append("><code>").Append(Html.Encode(DocsViews.PlainText(state, block))).Append("</code></p>");
                break;
            case BlockRules.Divider:
                html.Append("<hr").Append(id).Append('>');
                break;
            case BlockRules.Callout:
                html.Append("<div class=\"callout\"").Append(id).Append('>');
                Children(html, state, byId, block);
                html.Append("</div>");
                return;
            case BlockRules.QuoteContainer:
                html.Append("<blockquote").Append(id).Append('>');
                Children(html, state, byId, block);
                html.Append("</blockquote>");
                return;
            case BlockRules.Table:
                Table(html, state, byId, block);
                return;
            case BlockRules.Image:
                var token = block.Data.TryGetProperty("token", out var t) ? t.GetString() : null;
                html.Append("<p class=\"meta\"").Append(id).Append(">[image").Append(string.IsNullOrEmpty(token) ? " placeholder" : " " + Html.Encode(token)).Append("]</p>");
                break;
            default:
                html.Append("<div class=\"meta unknown-block\"").Append(id).Append(">[").Append(Html.Encode(block.Key)).Append(" block, type ")
                    .Append(block.BlockType.ToString(CultureInfo.InvariantCulture)).Append("]</div>");
                break;
        }

        if (block.Children.Count > 0)
        {
            html.Append("<div class=\"nested\">");
            Children(html, state, byId, block);
            html.Append("</div>");
        }
    }

    private static void Table(StringBuilder html, EmulatorState state, Dictionary<string, DocBlock> byId, DocBlock table)
    {
        var (rows, columns) = BlockRules.TableSize(table);
        var headerRow = table.Data.GetProperty("property").TryGetProperty("header_row", out var h) && h.ValueKind == JsonValueKind.True;
        html.Append("<table class=\"doc-table\" data-block-id=\"").Append(Html.Encode(table.BlockId)).Append("\">");
        for (var r = 0; r < rows; r++)
        {
            html.Append("<tr>");
            for (var c = 0; c < columns; c++)
            {
                var cell = (r * columns) + c < table.Children.Count && byId.TryGetValue(table.Children[(r * columns) + c], out var found) ? found : null;
                var tag = headerRow && r == 0 ? "th" : "td";
                html.Append('<').Append(tag).Append('>');
                if (cell is not null)
                {
                    Children(html, state, byId, cell);
                }

                html.Append("</").Append(tag).Append('>');
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    /// <summary>A block's text elements with their styles; a link's URL is stored URL-encoded and shown decoded.</summary>
    public static string Inline(EmulatorState state, DocBlock block)
    {
        if (!block.Data.TryGetProperty("elements", out var elements) || elements.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        foreach (var element in elements.EnumerateArray())
        {
            foreach (var part in element.EnumerateObject())
            {
                var style = part.Value.TryGetProperty("text_element_style", out var s) ? s : default;
                var text = part.Name switch
                {
                    "text_run" => Html.Encode(part.Value.TryGetProperty("content", out var c) ? c.GetString() : string.Empty),
                    "mention_user" => "<span class=\"mention\">@" + Html.Encode(DocsViews.MentionName(state, part.Value)) + "</span>",
                    "mention_doc" => Html.Encode(part.Value.TryGetProperty("title", out var title) ? title.GetString() : "a document"),
                    "equation" => "<code>" + Html.Encode(part.Value.TryGetProperty("content", out var e) ? e.GetString() : string.Empty) + "</code>",
                    _ => string.Empty,
                };
                html.Append(Styled(text, style));
            }
        }

        return html.ToString();
    }

    private static string Styled(string html, JsonElement style)
    {
        if (style.ValueKind != JsonValueKind.Object)
        {
            return html;
        }

        bool On(string name) => style.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
        if (On("inline_code"))
        {
            html = "<code>" + html + "</code>";
        }

        if (On("bold"))
        {
            html = "<strong>" + html + "</strong>";
        }

        if (On("italic"))
        {
            html = "<em>" + html + "</em>";
        }

        if (On("strikethrough"))
        {
            html = "<del>" + html + "</del>";
        }

        if (On("underline"))
        {
            html = "<u>" + html + "</u>";
        }

        if (style.TryGetProperty("link", out var link) && link.TryGetProperty("url", out var url) && url.GetString() is { } encoded)
        {
            html = Html.Link(html, Uri.UnescapeDataString(encoded));
        }

        return html;
    }
}
