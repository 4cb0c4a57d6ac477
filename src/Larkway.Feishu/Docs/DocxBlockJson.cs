using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Docs;

/// <summary>Reads blocks from the wire and writes new ones to it.</summary>
internal static class DocxBlockJson
{
    /// <summary>The property key of each text-shaped kind.</summary>
    public static string? TextKey(DocxBlockType type) => type switch
    {
        DocxBlockType.Page => "page",
        DocxBlockType.Text => "text",
        >= DocxBlockType.Heading1 and <= DocxBlockType.Heading9 => "heading" + (type - DocxBlockType.Heading1 + 1),
        DocxBlockType.Bullet => "bullet",
        DocxBlockType.Ordered => "ordered",
        DocxBlockType.Code => "code",
        DocxBlockType.Quote => "quote",
        DocxBlockType.Equation => "equation",
        DocxBlockType.Todo => "todo",
        _ => null,
    };

    public static DocxBlock Read(JsonElement block)
    {
        var id = String(block, "block_id") ?? "";
        var type = (DocxBlockType)(block.TryGetProperty("block_type", out var t) && t.TryGetInt32(out var n) ? n : 999);
        var text = TextKey(type) is { } key && block.TryGetProperty(key, out var body) && body.ValueKind == JsonValueKind.Object ? ReadText(body) : null;
        DocxTable? table = null;
        if (type == DocxBlockType.Table && block.TryGetProperty("table", out var tableBody))
        {
            var property = tableBody.TryGetProperty("property", out var p) ? p : default;
            table = new DocxTable(
                Strings(tableBody, "cells"),
                property.ValueKind == JsonValueKind.Object && property.TryGetProperty("row_size", out var r) ? r.GetInt32() : 0,
                property.ValueKind == JsonValueKind.Object && property.TryGetProperty("column_size", out var c) ? c.GetInt32() : 0)
            {
                HeaderRow = property.ValueKind == JsonValueKind.Object && property.TryGetProperty("header_row", out var h) && h.ValueKind == JsonValueKind.True,
            };
        }

        return new DocxBlock(id, type)
        {
            ParentId = String(block, "parent_id") is { Length: > 0 } parent ? parent : null,
            Children = Strings(block, "children"),
            Text = text,
            Table = table,
            Raw = block.Clone(),
        };
    }

    private static DocxText ReadText(JsonElement body)
    {
        var elements = new List<DocxTextElement>();
        if (body.TryGetProperty("elements", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in list.EnumerateArray())
            {
                if (ReadElement(element) is { } read)
                {
                    elements.Add(read);
                }
            }
        }

        DocxTextStyle? style = null;
        if (body.TryGetProperty("style", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            style = new DocxTextStyle
            {
                Align = Int(s, "align"),
                Done = Bool(s, "done"),
                Folded = Bool(s, "folded"),
                Language = Int(s, "language"),
                Wrap = Bool(s, "wrap"),
            };
        }

        return new DocxText(elements, style);
    }

    private static DocxTextElement? ReadElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "text_run":
                    return new DocxTextElement("text_run", String(value, "content") ?? "") { Style = ReadStyle(value) };
                case "mention_user":
                    var user = String(value, "user_id") ?? "";
                    return new DocxTextElement("mention_user", "@" + user) { UserId = user, Style = ReadStyle(value) };
                case "mention_doc":
                    var url = Decode(String(value, "url"));
                    return new DocxTextElement("mention_doc", String(value, "title") ?? url ?? "") { DocToken = String(value, "token"), Url = url, Style = ReadStyle(value) };
                case "equation":
                    return new DocxTextElement("equation", String(value, "content") ?? "") { Style = ReadStyle(value) };
                default:
                    return new DocxTextElement(property.Name, "");
            }
        }

        return null;
    }

    private static DocxTextElementStyle? ReadStyle(JsonElement run)
    {
        if (!run.TryGetProperty("text_element_style", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var style = new DocxTextElementStyle
        {
            Bold = Bool(s, "bold") ?? false,
            Italic = Bool(s, "italic") ?? false,
            Strikethrough = Bool(s, "strikethrough") ?? false,
            Underline = Bool(s, "underline") ?? false,
            InlineCode = Bool(s, "inline_code") ?? false,
            Link = s.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.Object ? Decode(String(link, "url")) : null,
        };
        return style.IsPlain ? null : style;
    }

    /// <summary>
    /// The descendants of <paramref name="blocks"/> for one "create descendants" call: each block with a temporary id
    /// (<paramref name="prefix"/> and a counter) and its children's ids, parents before children.
    /// </summary>
    public static (List<string> ChildrenIds, JsonArray Descendants) Descendants(IReadOnlyList<DocxNewBlock> blocks, string prefix)
    {
        var counter = 0;
        var descendants = new JsonArray();
        var top = new List<string>(blocks.Count);
        foreach (var block in blocks)
        {
            top.Add(Write(block, descendants, prefix, ref counter));
        }

        return (top, descendants);
    }

    private static string Write(DocxNewBlock block, JsonArray into, string prefix, ref int counter)
    {
        var id = $"{prefix}_{counter++}";
        var node = new JsonObject { ["block_id"] = id, ["block_type"] = (int)block.Type };
        into.Add((JsonNode)node);
        var children = new JsonArray();
        foreach (var child in block.Children)
        {
            children.Add((JsonNode)JsonValue.Create(Write(child, into, prefix, ref counter)));
        }

        node["children"] = children;
        if (TextKey(block.Type) is { } key)
        {
            node[key] = TextBody(block.Text ?? new DocxText([DocxTextElement.Run("")]));
        }
        else
        {
            node[Key(block.Type)] = block.Type switch
            {
                DocxBlockType.Table => new JsonObject
                {
                    ["property"] = new JsonObject
                    {
                        ["row_size"] = block.TableSize?.Rows ?? 1,
                        ["column_size"] = block.TableSize?.Columns ?? 1,
                        ["header_row"] = block.HeaderRow,
                    },
                },
                DocxBlockType.Callout => new JsonObject
                {
                    ["emoji_id"] = block.Callout?.Emoji ?? "bulb",
                    ["background_color"] = block.Callout?.BackgroundColor ?? 5,
                },
                _ => new JsonObject(),
            };
        }

        return id;
    }

    private static string Key(DocxBlockType type) => type switch
    {
        DocxBlockType.Table => "table",
        DocxBlockType.TableCell => "table_cell",
        DocxBlockType.Callout => "callout",
        DocxBlockType.Divider => "divider",
        DocxBlockType.QuoteContainer => "quote_container",
        DocxBlockType.Grid => "grid",
        DocxBlockType.GridColumn => "grid_column",
        _ => throw new ArgumentException($"Block type {type} cannot be written by this client: write text-shaped blocks, tables, callouts, dividers or quote containers.", nameof(type)),
    };

    public static JsonObject TextBody(DocxText text)
    {
        var elements = new JsonArray();
        foreach (var element in text.Elements)
        {
            elements.Add((JsonNode)WriteElement(element));
        }

        var body = new JsonObject { ["elements"] = elements };
        if (text.Style is { } style)
        {
            var s = new JsonObject();
            Put(s, "align", style.Align);
            Put(s, "done", style.Done);
            Put(s, "folded", style.Folded);
            Put(s, "language", style.Language);
            Put(s, "wrap", style.Wrap);
            body["style"] = s;
        }

        return body;
    }

    private static JsonObject WriteElement(DocxTextElement element)
    {
        var style = WriteStyle(element.Style);
        return element.Kind switch
        {
            "mention_user" => new JsonObject { ["mention_user"] = new JsonObject { ["user_id"] = element.UserId, ["text_element_style"] = style } },
            "equation" => new JsonObject { ["equation"] = new JsonObject { ["content"] = element.Content, ["text_element_style"] = style } },
            _ => new JsonObject { ["text_run"] = new JsonObject { ["content"] = element.Content, ["text_element_style"] = style } },
        };
    }

    private static JsonObject WriteStyle(DocxTextElementStyle? style)
    {
        var s = new JsonObject();
        if (style is null)
        {
            return s;
        }

        if (style.Bold) s["bold"] = true;
        if (style.Italic) s["italic"] = true;
        if (style.Strikethrough) s["strikethrough"] = true;
        if (style.Underline) s["underline"] = true;
        if (style.InlineCode) s["inline_code"] = true;

        // Feishu takes a link's URL percent-encoded.
        if (style.Link is { Length: > 0 } link) s["link"] = new JsonObject { ["url"] = Uri.EscapeDataString(link) };
        return s;
    }

    private static void Put(JsonObject into, string name, int? value)
    {
        if (value is { } v)
        {
            into[name] = v;
        }
    }

    private static void Put(JsonObject into, string name, bool? value)
    {
        if (value is { } v)
        {
            into[name] = v;
        }
    }

    private static string? Decode(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        try
        {
            return Uri.UnescapeDataString(url);
        }
        catch (UriFormatException)
        {
            return url;
        }
    }

    private static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : null;

    private static bool? Bool(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

    private static List<string> Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
}
