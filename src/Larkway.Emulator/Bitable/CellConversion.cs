using System.Text.Json;

namespace Larkway.Emulator.Bitable;

/// <summary>What happens to a field's cells when the field changes (更新字段).</summary>
internal static class CellConversion
{
    /// <summary>
    /// A new type (or a link to another table): each cell is read as the text the grid shows and written again as the new
    /// type would take that text; a cell that does not convert is cleared.
    /// </summary>
    public static void Convert(BitableTransaction tx, BitableBase app, BitableTable table, BitableField oldField, BitableField newField)
    {
        var writer = new CellWriter(tx, app, table, null, "open_id");
        foreach (var record in table.Records)
        {
            if (!record.Cells.Remove(newField.FieldId, out var stored))
            {
                continue;
            }

            var text = CellText.Display(oldField, stored, tx.Store.State, app.TimeZone);
            if (FieldTypes.IsComputed(newField.Type) || text.Length == 0)
            {
                continue;
            }

            try
            {
                if (writer.FromText(newField, text) is { } converted)
                {
                    record.Cells[newField.FieldId] = converted;
                }
            }
            catch (Platform.ApiErrorException)
            {
                // A value the new type cannot take: the cell is cleared, as the grid does.
            }
        }

        writer.ApplyNewOptions();
        if (newField.Type == FieldTypes.AutoNumber)
        {
            AutoNumbers.Renumber(table, newField, app.TimeZone);
        }
    }

    /// <summary>Options removed from a select field leave the cells that held them.</summary>
    public static void DropRemovedOptions(BitableTable table, BitableField field)
    {
        var ids = field.Options.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var record in table.Records)
        {
            if (!record.Cells.TryGetValue(field.FieldId, out var stored))
            {
                continue;
            }

            if (field.Type == FieldTypes.SingleSelect)
            {
                if (!ids.Contains(stored.GetString()!))
                {
                    record.Cells.Remove(field.FieldId);
                }

                continue;
            }

            var kept = stored.EnumerateArray().Select(e => e.GetString()!).Where(ids.Contains).ToList();
            if (kept.Count == 0)
            {
                record.Cells.Remove(field.FieldId);
            }
            else if (kept.Count != stored.GetArrayLength())
            {
                record.Cells[field.FieldId] = JsonSerializer.SerializeToElement(kept);
            }
        }
    }
}
