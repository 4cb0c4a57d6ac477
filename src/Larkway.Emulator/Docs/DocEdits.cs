using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>
/// The edits of a docx (create children, create descendants, update a block, delete children), run inside a
/// <see cref="DocsTransaction"/>: each starts by keeping the blocks as they were (a failure puts them back) and ends by
/// noting the edit (one revision, one event). Limits: 20,000 blocks per document (1770004), the block rules of
/// <see cref="BlockRules"/>.
/// </summary>
internal static class DocEdits
{
    public const int MaxBlocks = 20_000;

    /// <summary>A new docx with its Page block (whose block_id is the document_id) holding the title.</summary>
    public static DocFile NewDocument(DocsTransaction tx, string title, ChangeActor owner, string? folderToken, string? token = null)
    {
        token ??= DocsIds.Token();
        var file = new DocFile
        {
            Token = token,
            Type = "docx",
            Title = title,
            Owner = owner,
            FolderToken = folderToken,
            CreatedTime = tx.Now,
            ModifiedTime = tx.Now,
            ModifiedBy = tx.Actor,
            Blocks = [new DocBlock { BlockId = token, BlockType = BlockRules.Page, Key = "page", Data = BlockRules.PlainText(title, BlockRules.Page) }],
        };
        tx.Store.PutFile(file);
        return file;
    }

    public static DocBlock Block(DocFile file, string blockId) =>
        file.Blocks.Find(b => b.BlockId == blockId) ?? throw DocsErrors.Error(DocsErrors.NotFound, $"document {file.Token} has no block '{blockId}'");

    public static DocBlock Page(DocFile file) => file.Blocks[0];

    /// <summary>Adds <paramref name="children"/> (1–50, checked by the caller) under a parent at <paramref name="index"/> (−1 = at the end).</summary>
    public static List<DocBlock> InsertChildren(DocsTransaction tx, DocFile file, string parentId, IReadOnlyList<JsonElement> children, int index)
    {
        tx.Begin(file);
        var parent = Block(file, parentId);
        var position = Position(parent, index);
        var created = new List<DocBlock>();
        for (var i = 0; i < children.Count; i++)
        {
            var (type, key, data) = BlockRules.Read(children[i], $"children[{i.ToString(CultureInfo.InvariantCulture)}]");
            BlockRules.CheckChild(parent, type);
            var block = Add(file, parent, type, key, data, position + i);
            Furnish(file, block);
            created.Add(block);
        }

        CheckCount(file);
        tx.Edited(file);
        return created;
    }

    /// <summary>
    /// Adds a nested structure: <paramref name="childrenIds"/> are the temporary ids of the first level, every block of
    /// <paramref name="descendants"/> carries a temporary <c>block_id</c> and the temporary ids of its <c>children</c>. Each
    /// temporary id is used once (1770019), each block has exactly one parent (1770014), and tables, grid columns and
    /// callouts hold at least one child (1770006). Answers the blocks made, in order, and temporary → real ids.
    /// </summary>
    public static (List<DocBlock> Created, List<(string Temporary, string Real)> Relations) InsertDescendants(
        DocsTransaction tx, DocFile file, string parentId, IReadOnlyList<string> childrenIds, IReadOnlyList<JsonElement> descendants, int index)
    {
        tx.Begin(file);
        var parent = Block(file, parentId);
        var position = Position(parent, index);
        var given = new Dictionary<string, (int Type, string Key, JsonElement Data, List<string> Children)>(StringComparer.Ordinal);
        for (var i = 0; i < descendants.Count; i++)
        {
            var path = $"descendants[{i.ToString(CultureInfo.InvariantCulture)}]";
            var block = descendants[i];
            var temporary = block.ValueKind == JsonValueKind.Object && block.TryGetProperty("block_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } text
                ? text
                : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.block_id is required (a temporary id the children lists name)");
            var (type, key, data) = BlockRules.Read(block, path, inDescendant: true);
            var kids = block.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : [];
            if (!given.TryAdd(temporary, (type, key, data, kids)))
            {
                throw DocsErrors.Error(DocsErrors.RepeatedBlockId, $"the temporary block_id '{temporary}' is used twice");
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var temporary in childrenIds.Concat(given.Values.SelectMany(g => g.Children)))
        {
            if (!given.ContainsKey(temporary))
            {
                throw DocsErrors.Error(DocsErrors.ParentChildrenMismatch, $"'{temporary}' is named as a child but no descendant has that block_id");
            }

            if (!used.Add(temporary))
            {
                throw DocsErrors.Error(DocsErrors.ParentChildrenMismatch, $"'{temporary}' is the child of two blocks");
            }
        }

        if (given.Keys.FirstOrDefault(k => !used.Contains(k)) is { } orphan)
        {
            throw DocsErrors.Error(DocsErrors.ParentChildrenMismatch, $"descendant '{orphan}' is nobody's child (list it in children_id or in a block's children)");
        }

        var created = new List<DocBlock>();
        var relations = new List<(string, string)>();
        void Build(DocBlock under, string temporary, int at)
        {
            var (type, key, data, kids) = given[temporary];
            if (under.BlockType == BlockRules.Table ? type != BlockRules.TableCell : under.BlockType == BlockRules.Grid ? type != BlockRules.GridColumn : false)
            {
                throw DocsErrors.Error(DocsErrors.InvalidParentChild, $"a {(under.BlockType == BlockRules.Table ? "table holds table cells" : "grid holds grid columns")} only, not block_type {type} ('{temporary}')");
            }

            if (under.BlockType is not (BlockRules.Table or BlockRules.Grid))
            {
                BlockRules.CheckChild(under, type);
            }

            if (kids.Count == 0 && type is BlockRules.TableCell or BlockRules.GridColumn or BlockRules.Callout)
            {
                throw DocsErrors.Error(DocsErrors.SchemaMismatch, $"'{temporary}' (block_type {type}) must hold at least one child (an empty text block will do)");
            }

            var block = Add(file, under, type, key, data, at);
            relations.Add((temporary, block.BlockId));
            created.Add(block);
            for (var k = 0; k < kids.Count; k++)
            {
                Build(block, kids[k], k);
            }

            if (type == BlockRules.Table)
            {
                var (rows, columns) = BlockRules.TableSize(block);
                if (kids.Count != rows * columns)
                {
                    throw DocsErrors.Error(DocsErrors.SchemaMismatch, $"table '{temporary}' is {rows}×{columns} but lists {kids.Count} cells");
                }
            }
        }

        for (var i = 0; i < childrenIds.Count; i++)
        {
            Build(parent, childrenIds[i], position + i);
        }

        CheckCount(file);
        tx.Edited(file);
        return (created, relations);
    }

    /// <summary>Deletes <c>[start, end)</c> of a parent's children with everything under them.</summary>
    public static void DeleteChildren(DocsTransaction tx, DocFile file, string parentId, int start, int end)
    {
        tx.Begin(file);
        var parent = Block(file, parentId);
        if (parent.BlockType is BlockRules.Table or BlockRules.Grid)
        {
            throw DocsErrors.Error(DocsErrors.CannotDeleteChildren, $"block {parentId} is a {(parent.BlockType == BlockRules.Table ? "table: delete rows or columns with delete_table_rows/delete_table_columns" : "grid: use delete_grid_column")}");
        }

        if (start < 0 || end <= start || end > parent.Children.Count)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"[start_index, end_index) = [{start}, {end}) is not a range of block {parentId}'s {parent.Children.Count} children");
        }

        if (end - start == parent.Children.Count && parent.BlockType is BlockRules.TableCell or BlockRules.GridColumn or BlockRules.Callout)
        {
            throw DocsErrors.Error(DocsErrors.InvalidOperation, $"block {parentId} (block_type {parent.BlockType}) must keep at least one child");
        }

        var removed = parent.Children.GetRange(start, end - start);
        parent.Children.RemoveRange(start, end - start);
        RemoveSubtrees(file, removed);
        tx.Edited(file);
    }

    /// <summary>One UpdateBlockRequest (exactly one operation set) applied to its block; answers the block after it.</summary>
    public static DocBlock Update(DocsTransaction tx, DocFile file, string blockId, JsonElement request, string path)
    {
        tx.Begin(file);
        var block = Block(file, blockId);
        var operations = request.ValueKind == JsonValueKind.Object
            ? request.EnumerateObject().Where(p => p.Name != "block_id" && p.Value.ValueKind == JsonValueKind.Object).ToList()
            : [];
        if (operations.Count != 1)
        {
            throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path} must set exactly one operation (update_text_elements, update_text_style, update_text, insert_table_row, …)");
        }

        var (name, body) = (operations[0].Name, operations[0].Value);
        var at = path + "." + name;
        switch (name)
        {
            case "update_text_elements":
                RequireText(block, name);
                SetText(block, Elements(body, at), null, null);
                break;
            case "update_text_style":
                RequireText(block, name);
                SetText(block, null, StyleOf(body, at), Fields(body, at));
                break;
            case "update_text":
                RequireText(block, name);
                SetText(block, Elements(body, at), StyleOf(body, at), Fields(body, at));
                break;
            case "insert_table_row":
                TableEdits.InsertRow(file, RequireTable(block, name), Int(body, "row_index", at));
                break;
            case "insert_table_column":
                TableEdits.InsertColumn(file, RequireTable(block, name), Int(body, "column_index", at));
                break;
            case "delete_table_rows":
                TableEdits.DeleteRows(file, RequireTable(block, name), Int(body, "row_start_index", at), Int(body, "row_end_index", at));
                break;
            case "delete_table_columns":
                TableEdits.DeleteColumns(file, RequireTable(block, name), Int(body, "column_start_index", at), Int(body, "column_end_index", at));
                break;
            case "update_table_property":
                TableEdits.UpdateProperty(RequireTable(block, name), body, at);
                break;
            case "replace_image":
                if (block.BlockType != BlockRules.Image)
                {
                    throw DocsErrors.Error(DocsErrors.OperationNotMatchBlock, $"replace_image needs an image block; block {blockId} is block_type {block.BlockType}");
                }

                var image = (JsonObject)JsonNode.Parse(block.Data.GetRawText())!;
                foreach (var property in body.EnumerateObject().Where(p => p.Name is "token" or "width" or "height" or "align"))
                {
                    image[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                }

                block.Data = JsonSerializer.SerializeToElement(image);
                break;
            default:
                throw DocsErrors.Error(DocsErrors.InvalidParam, $"{at}: this operation is not emulated (merge/unmerge cells, grid columns, files, tasks)");
        }

        if (block.BlockType == BlockRules.Page)
        {
            var title = DocsViews.PlainText(tx.Store.State, block);
            if (title != file.Title)
            {
                file.Title = title;
                if (tx.Store.NodeOf(file) is { } node)
                {
                    node.Title = title;
                }

                tx.TitleUpdated(file);
            }
        }

        tx.Edited(file);
        return block;
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static int Position(DocBlock parent, int index)
    {
        if (index == -1)
        {
            return parent.Children.Count;
        }

        return index >= 0 && index <= parent.Children.Count
            ? index
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"index {index} is outside 0..{parent.Children.Count} (block {parent.BlockId} has {parent.Children.Count} children; -1 appends)");
    }

    /// <summary>A new block under <paramref name="parent"/> at <paramref name="at"/>, its id the document's kind of token.</summary>
    internal static DocBlock Add(DocFile file, DocBlock parent, int type, string key, JsonElement data, int at)
    {
        var block = new DocBlock { BlockId = DocsIds.BlockId(), ParentId = parent.BlockId, BlockType = type, Key = key, Data = data };
        file.Blocks.Add(block);
        parent.Children.Insert(Math.Min(at, parent.Children.Count), block.BlockId);
        return block;
    }

    /// <summary>What the server adds to a block made through create children: a table's cells, a grid's columns, a callout's first line — each holding an empty text block.</summary>
    private static void Furnish(DocFile file, DocBlock block)
    {
        switch (block.BlockType)
        {
            case BlockRules.Table:
                var (rows, columns) = BlockRules.TableSize(block);
                for (var i = 0; i < rows * columns; i++)
                {
                    TableEdits.NewCell(file, block, i);
                }

                break;
            case BlockRules.Grid:
                var count = block.Data.GetProperty("column_size").GetInt32();
                for (var i = 0; i < count; i++)
                {
                    var column = Add(file, block, BlockRules.GridColumn, "grid_column", JsonSerializer.SerializeToElement(new { width_ratio = 100 / count }), i);
                    Add(file, column, BlockRules.Text, "text", BlockRules.EmptyText(), 0);
                }

                break;
            case BlockRules.Callout or BlockRules.QuoteContainer:
                Add(file, block, BlockRules.Text, "text", BlockRules.EmptyText(), 0);
                break;
        }
    }

    internal static void RemoveSubtrees(DocFile file, IEnumerable<string> roots)
    {
        var byId = file.Blocks.ToDictionary(b => b.BlockId, StringComparer.Ordinal);
        var doomed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.TryPop(out var id))
        {
            if (doomed.Add(id) && byId.TryGetValue(id, out var block))
            {
                foreach (var child in block.Children)
                {
                    stack.Push(child);
                }
            }
        }

        file.Blocks.RemoveAll(b => doomed.Contains(b.BlockId));
    }

    private static void CheckCount(DocFile file)
    {
        if (file.Blocks.Count > MaxBlocks)
        {
            throw DocsErrors.Error(DocsErrors.TooManyBlocks, $"document {file.Token} would hold {file.Blocks.Count} blocks; a document holds at most {MaxBlocks}");
        }
    }

    private static void RequireText(DocBlock block, string operation)
    {
        if (!BlockRules.IsTextShaped(block.BlockType))
        {
            throw DocsErrors.Error(DocsErrors.OperationNotMatchBlock, $"{operation} needs a text-shaped block (page, text, heading, list, code, quote, todo); block {block.BlockId} is block_type {block.BlockType}");
        }
    }

    private static DocBlock RequireTable(DocBlock block, string operation) =>
        block.BlockType == BlockRules.Table ? block : throw DocsErrors.Error(DocsErrors.OperationNotMatchBlock, $"{operation} needs a table block; block {block.BlockId} is block_type {block.BlockType}");

    private static JsonArray Elements(JsonElement body, string path) =>
        body.TryGetProperty("elements", out var e) && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0
            ? BlockRules.Elements(e, path + ".elements")
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.elements is required (at least one text element)");

    private static JsonObject StyleOf(JsonElement body, string path) =>
        body.TryGetProperty("style", out var s) && s.ValueKind == JsonValueKind.Object
            ? (JsonObject)JsonNode.Parse(s.GetRawText())!
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.style is required");

    private static List<int> Fields(JsonElement body, string path) =>
        body.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array && f.GetArrayLength() > 0
            ? [.. f.EnumerateArray().Select(x => x.TryGetInt32(out var n) && n is >= 1 and <= 5 ? n : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.fields holds 1 align, 2 done, 3 folded, 4 language, 5 wrap"))]
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.fields is required (which style fields to change: 1 align, 2 done, 3 folded, 4 language, 5 wrap)");

    private static readonly string[] StyleFieldNames = ["", "align", "done", "folded", "language", "wrap"];

    private static void SetText(DocBlock block, JsonArray? elements, JsonObject? style, List<int>? fields)
    {
        var data = (JsonObject)JsonNode.Parse(block.Data.GetRawText())!;
        if (elements is not null)
        {
            data["elements"] = elements;
        }

        if (style is not null && fields is not null)
        {
            var current = data["style"] as JsonObject ?? [];
            foreach (var field in fields)
            {
                var name = StyleFieldNames[field];
                current[name] = style[name]?.DeepClone();
            }

            data["style"] = current;
        }

        block.Data = JsonSerializer.SerializeToElement(data);
    }

    private static int Int(JsonElement body, string name, string path) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.{name} is required (an integer)");
}
