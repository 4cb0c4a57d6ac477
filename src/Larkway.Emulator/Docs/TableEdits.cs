using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Emulator.Docs;

/// <summary>
/// Table operations of update block (insert_table_row/column, delete_table_rows/columns, update_table_property). A table's
/// children are its cells, row-major; every new cell holds an empty text block. Ranges are half-open; a table keeps at least
/// one row and one column (1770024); a range outside the table is 1770026 (rows) / 1770027 (columns).
/// </summary>
internal static class TableEdits
{
    public static DocBlock NewCell(DocFile file, DocBlock table, int at)
    {
        var cell = DocEdits.Add(file, table, BlockRules.TableCell, "table_cell", BlockRules.Empty(), at);
        DocEdits.Add(file, cell, BlockRules.Text, "text", BlockRules.EmptyText(), 0);
        return cell;
    }

    public static void InsertRow(DocFile file, DocBlock table, int rowIndex)
    {
        var (rows, columns) = BlockRules.TableSize(table);
        var row = rowIndex == -1 ? rows : rowIndex;
        if (row < 0 || row > rows)
        {
            throw DocsErrors.Error(DocsErrors.RowOutOfRange, $"row_index {rowIndex} is outside 0..{rows} (-1 appends)");
        }

        BlockRules.CheckTableSize(rows + 1, columns);
        for (var c = 0; c < columns; c++)
        {
            NewCell(file, table, (row * columns) + c);
        }

        Resize(table, rows + 1, columns, Widths(table));
    }

    public static void InsertColumn(DocFile file, DocBlock table, int columnIndex)
    {
        var (rows, columns) = BlockRules.TableSize(table);
        var column = columnIndex == -1 ? columns : columnIndex;
        if (column < 0 || column > columns)
        {
            throw DocsErrors.Error(DocsErrors.ColumnOutOfRange, $"column_index {columnIndex} is outside 0..{columns} (-1 appends)");
        }

        BlockRules.CheckTableSize(rows, columns + 1);
        for (var r = 0; r < rows; r++)
        {
            NewCell(file, table, (r * (columns + 1)) + column);
        }

        var widths = Widths(table);
        widths.Insert(column, 100);
        Resize(table, rows, columns + 1, widths);
    }

    public static void DeleteRows(DocFile file, DocBlock table, int start, int end)
    {
        var (rows, columns) = BlockRules.TableSize(table);
        if (start < 0 || end <= start || end > rows)
        {
            throw DocsErrors.Error(DocsErrors.RowOutOfRange, $"rows [{start}, {end}) are not inside the table's {rows} rows");
        }

        if (end - start == rows)
        {
            throw DocsErrors.Error(DocsErrors.InvalidOperation, "a table keeps at least one row");
        }

        var doomed = table.Children.GetRange(start * columns, (end - start) * columns);
        table.Children.RemoveRange(start * columns, (end - start) * columns);
        DocEdits.RemoveSubtrees(file, doomed);
        Resize(table, rows - (end - start), columns, Widths(table));
    }

    public static void DeleteColumns(DocFile file, DocBlock table, int start, int end)
    {
        var (rows, columns) = BlockRules.TableSize(table);
        if (start < 0 || end <= start || end > columns)
        {
            throw DocsErrors.Error(DocsErrors.ColumnOutOfRange, $"columns [{start}, {end}) are not inside the table's {columns} columns");
        }

        if (end - start == columns)
        {
            throw DocsErrors.Error(DocsErrors.InvalidOperation, "a table keeps at least one column");
        }

        var doomed = new List<string>();
        for (var r = rows - 1; r >= 0; r--)
        {
            var from = (r * columns) + start;
            doomed.AddRange(table.Children.GetRange(from, end - start));
            table.Children.RemoveRange(from, end - start);
        }

        DocEdits.RemoveSubtrees(file, doomed);
        var widths = Widths(table);
        widths.RemoveRange(start, end - start);
        Resize(table, rows, columns - (end - start), widths);
    }

    public static void UpdateProperty(DocBlock table, JsonElement body, string path)
    {
        var (_, columns) = BlockRules.TableSize(table);
        var data = (JsonObject)JsonNode.Parse(table.Data.GetRawText())!;
        var property = (JsonObject)data["property"]!;
        if (body.TryGetProperty("column_width", out var width))
        {
            var index = body.TryGetProperty("column_index", out var i) && i.TryGetInt32(out var n) ? n : throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.column_index is required with column_width");
            if (index < 0 || index >= columns)
            {
                throw DocsErrors.Error(DocsErrors.ColumnOutOfRange, $"column_index {index} is outside the table's {columns} columns");
            }

            if (!width.TryGetInt32(out var px) || px < 50)
            {
                throw DocsErrors.Error(DocsErrors.InvalidParam, $"{path}.column_width is at least 50");
            }

            ((JsonArray)property["column_width"]!)[index] = px;
        }

        foreach (var flag in (string[])["header_row", "header_column"])
        {
            if (body.TryGetProperty(flag, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                property[flag] = value.GetBoolean();
            }
        }

        table.Data = JsonSerializer.SerializeToElement(data);
    }

    private static List<int> Widths(DocBlock table) =>
        [.. table.Data.GetProperty("property").GetProperty("column_width").EnumerateArray().Select(w => w.GetInt32())];

    private static void Resize(DocBlock table, int rows, int columns, IReadOnlyList<int> widths)
    {
        var property = table.Data.GetProperty("property");
        table.Data = BlockRules.TableData(rows, columns, widths,
            property.TryGetProperty("header_row", out var hr) && hr.ValueKind == JsonValueKind.True,
            property.TryGetProperty("header_column", out var hc) && hc.ValueKind == JsonValueKind.True);
    }
}
