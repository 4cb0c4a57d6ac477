using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Emulator.Docs;

/// <summary>
/// The docx block model (docs-facts §1.2–§1.6): the type numbers and their property keys, which types may be created and
/// which may hold children, and how a block given in a request is checked and normalized before it is stored. Unknown
/// types are kept as given (their one property object).
/// </summary>
internal static class BlockRules
{
    public const int Page = 1;
    public const int Text = 2;
    public const int Heading1 = 3;
    public const int Heading9 = 11;
    public const int Bullet = 12;
    public const int Ordered = 13;
    public const int Code = 14;
    public const int Quote = 15;
    public const int Equation = 16;
    public const int Todo = 17;
    public const int Callout = 19;
    public const int Divider = 22;
    public const int Grid = 24;
    public const int GridColumn = 25;
    public const int Image = 27;
    public const int Table = 31;
    public const int TableCell = 32;
    public const int QuoteContainer = 34;
    public const int Task = 35;

    public const int MaxTextChars = 100_000;
    public const int MaxTableColumns = 100;
    public const int MaxTableCells = 2000;

    private static readonly Dictionary<int, string> Keys = new()
    {
        [1] = "page", [2] = "text", [3] = "heading1", [4] = "heading2", [5] = "heading3", [6] = "heading4", [7] = "heading5", [8] = "heading6",
        [9] = "heading7", [10] = "heading8", [11] = "heading9", [12] = "bullet", [13] = "ordered", [14] = "code", [15] = "quote", [16] = "equation",
        [17] = "todo", [18] = "bitable", [19] = "callout", [20] = "chat_card", [21] = "diagram", [22] = "divider", [23] = "file", [24] = "grid",
        [25] = "grid_column", [26] = "iframe", [27] = "image", [28] = "isv", [29] = "mindnote", [30] = "sheet", [31] = "table", [32] = "table_cell",
        [33] = "view", [34] = "quote_container", [35] = "task", [36] = "okr", [37] = "okr_objective", [38] = "okr_key_result", [39] = "okr_progress",
        [40] = "add_ons", [41] = "jira_issue", [42] = "wiki_catalog", [43] = "board", [44] = "agenda", [45] = "agenda_item", [46] = "agenda_item_title",
        [47] = "agenda_item_content", [48] = "link_preview", [49] = "source_synced", [50] = "reference_synced", [51] = "sub_page_list", [52] = "ai_template",
        [999] = "undefined",
    };

    /// <summary>Never created through the API (the overview's support matrix): the page, diagrams, mind notes, tasks, views, agendas, synced blocks, AI templates.</summary>
    private static readonly HashSet<int> NotCreatableTypes = [Page, 21, 29, 33, Task, 44, 45, 46, 47, 49, 50, 52, 999];

    /// <summary>Blocks that can be parents (docx overview): page, text, headings, lists, task, todo, and the containers.</summary>
    private static readonly HashSet<int> ParentTypes = [Page, Text, 3, 4, 5, 6, 7, 8, 9, 10, 11, Bullet, Ordered, Task, Todo, TableCell, GridColumn, Callout, QuoteContainer];

    /// <summary>What a callout may hold.</summary>
    private static readonly HashSet<int> CalloutChildren = [Text, 3, 4, 5, 6, 7, 8, 9, 10, 11, Ordered, Bullet, Task, Todo, Quote, QuoteContainer];

    private static readonly string[] ElementKinds = ["text_run", "mention_user", "mention_doc", "reminder", "file", "inline_block", "equation", "undefined"];

    public static bool IsTextShaped(int type) => type is >= Page and <= Todo;

    public static bool IsHeading(int type) => type is >= Heading1 and <= Heading9;

    public static bool CanParent(int type) => ParentTypes.Contains(type);

    public static string? KeyOf(int type) => Keys.GetValueOrDefault(type);

    /// <summary>1770028 when the parent cannot hold children, 1770030 when it cannot hold this kind.</summary>
    public static void CheckChild(DocBlock parent, int childType)
    {
        if (!CanParent(parent.BlockType))
        {
            throw DocsErrors.Error(DocsErrors.CannotHaveChildren, $"block {parent.BlockId} (block_type {parent.BlockType}) cannot have children");
        }

        var refused = parent.BlockType switch
        {
            TableCell => childType is Table or 30 or 18 or 36,
            GridColumn => childType is Grid or 18 or 36,
            Callout => !CalloutChildren.Contains(childType),
            _ => childType is TableCell or GridColumn,
        };
        if (refused)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParentChild, $"a block_type {childType} cannot be a child of block {parent.BlockId} (block_type {parent.BlockType})");
        }
    }

    /// <summary>
    /// A block of a request as it will be stored (without ids or parent). <paramref name="inDescendant"/>: table cells and
    /// grid columns may be created as the children of their table or grid there, never alone.
    /// </summary>
    public static (int Type, string Key, JsonElement Data) Read(JsonElement block, string path, bool inDescendant = false)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path} must be a block object");
        }

        if (!block.TryGetProperty("block_type", out var t) || t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out var type))
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.block_type is required (an integer, e.g. 2 for text)");
        }

        if (NotCreatableTypes.Contains(type) || (!inDescendant && type is TableCell or GridColumn))
        {
            throw DocsErrors.Error(DocsErrors.NotCreatable, $"{path}: block_type {type} ({KeyOf(type) ?? "unknown"}) cannot be created"
                + (type is TableCell or GridColumn ? " on its own: create the table or grid, or use insert_table_row/insert_table_column" : string.Empty));
        }

        var key = KeyOf(type) ?? UnknownKey(block, path);
        block.TryGetProperty(key, out var given);
        var data = type switch
        {
            _ when IsTextShaped(type) => NormalizeText(given, $"{path}.{key}", type),
            Table => NormalizeTable(given, $"{path}.{key}"),
            Divider or TableCell or QuoteContainer or Image or Callout or GridColumn => given.ValueKind == JsonValueKind.Object ? given : Empty(),
            Grid => NormalizeGrid(given, $"{path}.{key}"),
            _ => given.ValueKind == JsonValueKind.Object ? given : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.{key} is required for block_type {type}"),
        };
        return (type, key, data);
    }

    /// <summary>An unknown type keeps its one property object, whatever it is called.</summary>
    private static string UnknownKey(JsonElement block, string path)
    {
        foreach (var property in block.EnumerateObject())
        {
            if (property.Name is not ("block_id" or "parent_id" or "children" or "block_type" or "comment_ids") && property.Value.ValueKind == JsonValueKind.Object)
            {
                return property.Name;
            }
        }

        throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path} has an unknown block_type and no property object");
    }

    public static JsonElement Empty() => JsonSerializer.SerializeToElement(new JsonObject());

    /// <summary><c>{style, elements}</c> with the defaults Feishu reads back (align 1, unset styles false).</summary>
    public static JsonElement NormalizeText(JsonElement given, string path, int type)
    {
        if (given.ValueKind != JsonValueKind.Object)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path} is required: {{\"elements\": [{{\"text_run\": {{\"content\": \"…\"}}}}]}}");
        }

        var elements = given.TryGetProperty("elements", out var e) && e.ValueKind == JsonValueKind.Array
            ? Elements(e, path + ".elements")
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.elements is required (an array of text elements)");
        var style = given.TryGetProperty("style", out var s) && s.ValueKind == JsonValueKind.Object ? (JsonObject)JsonNode.Parse(s.GetRawText())! : [];
        style["align"] ??= 1;
        if (type != Page)
        {
            style["folded"] ??= false;
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["elements"] = elements, ["style"] = style });
    }

    /// <summary>Checks text elements (1770024 for a link outside a text_run or an element that cannot be written) and counts characters (4000027).</summary>
    public static JsonArray Elements(JsonElement elements, string path)
    {
        var result = new JsonArray();
        var chars = 0;
        var i = 0;
        foreach (var element in elements.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at} must be an object with one of {string.Join(", ", ElementKinds)}");
            }

            var kinds = element.EnumerateObject().Where(p => ElementKinds.Contains(p.Name)).ToList();
            if (kinds.Count != 1 || kinds[0].Value.ValueKind != JsonValueKind.Object)
            {
                throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at} must have exactly one of {string.Join(", ", ElementKinds)} (an object)");
            }

            var (kind, body) = (kinds[0].Name, (JsonObject)JsonNode.Parse(kinds[0].Value.GetRawText())!);
            if (kind is "undefined" or "file" or "inline_block")
            {
                throw DocsErrors.Error(DocsErrors.InvalidOperation, $"{at}: a {kind} element cannot be written through the API");
            }

            var style = body["text_element_style"] as JsonObject ?? [];
            if (style.ContainsKey("link") && kind != "text_run")
            {
                throw DocsErrors.Error(DocsErrors.InvalidOperation, $"{at}: only a text_run may carry a link ({kind} has text_element_style.link)");
            }

            if (style["link"] is JsonObject link && link["url"] is not JsonValue)
            {
                throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at}.text_run.text_element_style.link.url is required (URL-encoded)");
            }

            foreach (var flag in (string[])["bold", "inline_code", "italic", "strikethrough", "underline"])
            {
                style[flag] ??= false;
            }

            body["text_element_style"] = style;
            switch (kind)
            {
                case "text_run" or "equation":
                    var content = body["content"] is JsonValue v && v.TryGetValue<string>(out var text)
                        ? text
                        : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at}.{kind}.content is required (a string)");
                    chars += content.Length;
                    break;
                case "mention_user":
                    _ = body["user_id"] is JsonValue ? true : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at}.mention_user.user_id is required");
                    break;
                case "mention_doc":
                    _ = body["token"] is JsonValue && body["obj_type"] is JsonValue ? true : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at}.mention_doc needs token and obj_type");
                    break;
            }

            result.Add(new JsonObject { [kind] = body });
        }

        if (chars > MaxTextChars)
        {
            throw DocsErrors.Error(DocsErrors.TooManyChars, $"{path} holds {chars.ToString(CultureInfo.InvariantCulture)} characters; one text block holds at most {MaxTextChars.ToString(CultureInfo.InvariantCulture)} (UTF-16)");
        }

        return result;
    }

    /// <summary><c>{property {row_size, column_size, column_width, merge_info, header_row, header_column}}</c>; cells are the block's children.</summary>
    public static JsonElement NormalizeTable(JsonElement given, string path)
    {
        var property = given.ValueKind == JsonValueKind.Object && given.TryGetProperty("property", out var p) && p.ValueKind == JsonValueKind.Object
            ? p
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.property is required: {{\"row_size\": n, \"column_size\": n}}");
        var rows = PositiveInt(property, "row_size", path);
        var columns = PositiveInt(property, "column_size", path);
        CheckTableSize(rows, columns);
        var widths = property.TryGetProperty("column_width", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(x => x.TryGetInt32(out var n) ? n : 100).ToList()
            : [];
        return TableData(rows, columns, [.. Enumerable.Range(0, columns).Select(c => c < widths.Count ? widths[c] : 100)],
            property.TryGetProperty("header_row", out var hr) && hr.ValueKind == JsonValueKind.True,
            property.TryGetProperty("header_column", out var hc) && hc.ValueKind == JsonValueKind.True);
    }

    public static void CheckTableSize(int rows, int columns)
    {
        if (columns > MaxTableColumns)
        {
            throw DocsErrors.Error(DocsErrors.TooManyTableColumns, $"a table has at most {MaxTableColumns} columns, not {columns.ToString(CultureInfo.InvariantCulture)}");
        }

        if (rows * columns > MaxTableCells)
        {
            throw DocsErrors.Error(DocsErrors.TooManyTableCells, $"a table has at most {MaxTableCells} cells, not {(rows * columns).ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public static JsonElement TableData(int rows, int columns, IReadOnlyList<int> widths, bool headerRow, bool headerColumn) =>
        JsonSerializer.SerializeToElement(new JsonObject
        {
            ["property"] = new JsonObject
            {
                ["row_size"] = rows,
                ["column_size"] = columns,
                ["column_width"] = new JsonArray([.. widths.Select(x => (JsonNode)x)]),
                ["merge_info"] = new JsonArray([.. Enumerable.Range(0, rows * columns).Select(_ => (JsonNode)new JsonObject { ["row_span"] = 1, ["col_span"] = 1 })]),
                ["header_row"] = headerRow,
                ["header_column"] = headerColumn,
            },
        });

    public static (int Rows, int Columns) TableSize(DocBlock table)
    {
        var property = table.Data.GetProperty("property");
        return (property.GetProperty("row_size").GetInt32(), property.GetProperty("column_size").GetInt32());
    }

    private static JsonElement NormalizeGrid(JsonElement given, string path)
    {
        var columns = given.ValueKind == JsonValueKind.Object ? PositiveInt(given, "column_size", path) : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.column_size is required");
        if (columns is < 2 or > 10)
        {
            throw DocsErrors.Error(DocsErrors.TooManyGridColumns, $"a grid has 2 to 10 columns, not {columns.ToString(CultureInfo.InvariantCulture)}");
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["column_size"] = columns });
    }

    private static int PositiveInt(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 1
            ? n
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.{name} is required (an integer ≥ 1)");

    /// <summary>An empty text block's property (what a new table cell, grid column or callout holds).</summary>
    public static JsonElement EmptyText() => NormalizeText(JsonSerializer.SerializeToElement(new { elements = Array.Empty<object>() }), "text", Text);

    /// <summary>A text property of one plain run (the page's title, a paragraph typed on the web page).</summary>
    public static JsonElement PlainText(string text, int type = Text) =>
        NormalizeText(JsonSerializer.SerializeToElement(new { elements = new[] { new { text_run = new { content = text } } } }), "text", type);
}
