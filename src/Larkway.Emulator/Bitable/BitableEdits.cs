using System.Text.Json;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// Edits made in the Feishu client (the control API and the web grid): the same checks and record events as the Open API,
/// people named by any id, email or name. JSON values take the Open API's write shapes; text values what one types in a cell.
/// </summary>
internal static class BitableEdits
{
    public static BitableRecord Add(BitableTransaction tx, BitableBase app, string tableId, JsonElement fields)
    {
        var table = BitableStore.Table(app, tableId);
        var writer = new CellWriter(tx, app, table, null, "open_id");
        return RecordWrites.Create(tx, app, table, writer, RecordWrites.Check(writer, [(null, fields)]))[0];
    }

    public static bool Edit(BitableTransaction tx, BitableBase app, string tableId, string recordId, JsonElement fields)
    {
        var table = BitableStore.Table(app, tableId);
        var writer = new CellWriter(tx, app, table, null, "open_id");
        RecordWrites.Update(tx, app, table, writer, RecordWrites.Check(writer, [(recordId, fields)]));
        return true;
    }

    /// <summary>A row typed into the grid: field id → text (an empty text leaves the cell empty).</summary>
    public static BitableRecord AddText(BitableTransaction tx, BitableBase app, string tableId, IReadOnlyDictionary<string, string> texts)
    {
        var table = BitableStore.Table(app, tableId);
        var writer = new CellWriter(tx, app, table, null, "open_id");
        return RecordWrites.Create(tx, app, table, writer, [FromText(writer, table, null, texts)])[0];
    }

    /// <summary>Cells changed in the grid: field id → the new text.</summary>
    public static void EditText(BitableTransaction tx, BitableBase app, string tableId, string recordId, IReadOnlyDictionary<string, string> texts)
    {
        var table = BitableStore.Table(app, tableId);
        var writer = new CellWriter(tx, app, table, null, "open_id");
        RecordWrites.Update(tx, app, table, writer, [FromText(writer, table, recordId, texts)]);
    }

    private static RecordWrites.CheckedRecord FromText(CellWriter writer, BitableTable table, string? recordId, IReadOnlyDictionary<string, string> texts)
    {
        var cells = new List<(BitableField, JsonElement?)>();
        foreach (var (fieldId, text) in texts)
        {
            var field = BitableStore.Field(table, fieldId);
            if (!FieldTypes.IsComputed(field.Type) && field.Type != FieldTypes.Attachment)
            {
                cells.Add((field, writer.FromText(field, text)));
            }
        }

        return new RecordWrites.CheckedRecord(recordId, cells);
    }
}
