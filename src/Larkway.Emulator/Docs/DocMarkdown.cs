using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.Docs;

/// <summary>
/// Plain text with a little Markdown, turned into blocks (the control API and the seed write documents this way):
/// <c>#</c>…<c>#########</c> headings, <c>- </c> bullets, <c>1. </c> ordered items, <c>&gt; </c> quotes, <c>[ ] </c> /
/// <c>[x] </c> todos, <c>!!! </c> a callout, <c>---</c> a divider, fenced code, <c>| a | b |</c> rows as a table, and any
/// other line a paragraph; inline <c>**bold**</c>, <c>*italic*</c>, <c>`code`</c> and <c>[text](url)</c>.
/// </summary>
internal static partial class DocMarkdown
{
    /// <summary>Appends the content's blocks to the document's Page (no revision, no event: the caller decides).</summary>
    public static void AppendTo(DocFile file, string content)
    {
        var page = DocEdits.Page(file);
        var lines = content.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].TrimEnd().StartsWith("```", StringComparison.Ordinal); i++)
                {
                    code.Add(lines[i]);
                }

                AddText(file, page, BlockRules.Code, [Run(string.Join("\n", code), null)]);
                continue;
            }

            if (line.StartsWith('|'))
            {
                var rows = new List<string[]>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++)
                {
                    var cells = lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                    if (!cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':')))
                    {
                        rows.Add(cells);
                    }
                }

                i--;
                AddTable(file, page, rows);
                continue;
            }

            if (line == "---")
            {
                DocEdits.Add(file, page, BlockRules.Divider, "divider", BlockRules.Empty(), page.Children.Count);
                continue;
            }

            if (Heading().Match(line) is { Success: true } heading)
            {
                AddText(file, page, BlockRules.Heading1 + heading.Groups[1].Length - 1, Inline(heading.Groups[2].Value));
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal))
            {
                AddText(file, page, BlockRules.Bullet, Inline(line[2..]));
            }
            else if (Ordered().Match(line) is { Success: true } ordered)
            {
                AddText(file, page, BlockRules.Ordered, Inline(ordered.Groups[1].Value));
            }
            else if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                AddText(file, page, BlockRules.Quote, Inline(line[2..]));
            }
            else if (line.StartsWith("[ ] ", StringComparison.Ordinal) || line.StartsWith("[x] ", StringComparison.OrdinalIgnoreCase))
            {
                var todo = AddText(file, page, BlockRules.Todo, Inline(line[4..]));
                var data = (JsonObject)JsonNode.Parse(todo.Data.GetRawText())!;
                data["style"]!["done"] = line[1] is 'x' or 'X';
                todo.Data = JsonSerializer.SerializeToElement(data);
            }
            else if (line.StartsWith("!!! ", StringComparison.Ordinal))
            {
                var callout = DocEdits.Add(file, page, BlockRules.Callout, "callout", JsonSerializer.SerializeToElement(new { background_color = 5, border_color = 5, emoji_id = "bulb" }), page.Children.Count);
                AddText(file, callout, BlockRules.Text, Inline(line[4..]));
            }
            else
            {
                AddText(file, page, BlockRules.Text, Inline(line));
            }
        }
    }

    private static DocBlock AddText(DocFile file, DocBlock parent, int type, JsonArray elements)
    {
        var key = BlockRules.KeyOf(type)!;
        var data = BlockRules.NormalizeText(JsonSerializer.SerializeToElement(new JsonObject { ["elements"] = elements }), key, type);
        return DocEdits.Add(file, parent, type, key, data, parent.Children.Count);
    }

    private static void AddTable(DocFile file, DocBlock page, List<string[]> rows)
    {
        var columns = rows.Max(r => r.Length);
        BlockRules.CheckTableSize(rows.Count, columns);
        var table = DocEdits.Add(file, page, BlockRules.Table, "table", BlockRules.TableData(rows.Count, columns, [.. Enumerable.Repeat(160, columns)], headerRow: true, headerColumn: false), page.Children.Count);
        foreach (var row in rows)
        {
            for (var c = 0; c < columns; c++)
            {
                var cell = DocEdits.Add(file, table, BlockRules.TableCell, "table_cell", BlockRules.Empty(), table.Children.Count);
                AddText(file, cell, BlockRules.Text, Inline(c < row.Length ? row[c] : string.Empty));
            }
        }
    }

    /// <summary>Inline Markdown as text runs; a link's URL is URL-encoded, as the API wants it.</summary>
    public static JsonArray Inline(string text)
    {
        var elements = new JsonArray();
        var at = 0;
        foreach (Match match in InlineToken().Matches(text))
        {
            if (match.Index > at)
            {
                elements.Add(Run(text[at..match.Index], null));
            }

            var style = new JsonObject();
            string content;
            if (match.Groups["bold"].Success)
            {
                (content, style["bold"]) = (match.Groups["bold"].Value, true);
            }
            else if (match.Groups["italic"].Success)
            {
                (content, style["italic"]) = (match.Groups["italic"].Value, true);
            }
            else if (match.Groups["code"].Success)
            {
                (content, style["inline_code"]) = (match.Groups["code"].Value, true);
            }
            else
            {
                content = match.Groups["label"].Value;
                style["link"] = new JsonObject { ["url"] = Uri.EscapeDataString(match.Groups["url"].Value) };
            }

            elements.Add(Run(content, style));
            at = match.Index + match.Length;
        }

        if (at < text.Length || elements.Count == 0)
        {
            elements.Add(Run(text[at..], null));
        }

        return elements;
    }

    private static JsonObject Run(string content, JsonObject? style)
    {
        var run = new JsonObject { ["content"] = content };
        if (style is not null)
        {
            run["text_element_style"] = style;
        }

        return new JsonObject { ["text_run"] = run };
    }

    [GeneratedRegex(@"^(#{1,9}) (.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\d+\. (.+)$")]
    private static partial Regex Ordered();

    [GeneratedRegex(@"\*\*(?<bold>.+?)\*\*|(?<![\w*])\*(?<italic>[^*\s][^*]*?)\*(?![\w*])|`(?<code>[^`]+)`|\[(?<label>[^\]]+)\]\((?<url>[^)\s]+)\)")]
    private static partial Regex InlineToken();
}
