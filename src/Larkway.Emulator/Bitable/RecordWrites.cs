using System.Text.Json;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// Record writes (新增/更新/删除记录 and their batch forms), all-or-nothing: every record's cells are checked first, then the
/// table changes. Creates fill the automatic fields (created/modified time and by, auto numbers); updates change only the
/// cells they name; two-way links keep their other side in step; deletes take the deleted ids out of the link cells that
/// held them. Each record raises its action in the transaction's events.
/// </summary>
internal static class RecordWrites
{
    /// <summary>The cells of one written record by field: stored value, or null to clear.</summary>
    public sealed record CheckedRecord(string? RecordId, List<(BitableField Field, JsonElement? Value)> Cells);

    /// <summary>Checks <c>fields</c> objects (by field name) into stored cells; nothing is written yet.</summary>
    public static List<CheckedRecord> Check(CellWriter writer, IReadOnlyList<(string? RecordId, JsonElement Fields)> records)
    {
        var table = writer.Table;
        var checkedRecords = new List<CheckedRecord>(records.Count);
        foreach (var (recordId, fields) in records)
        {
            if (fields.ValueKind != JsonValueKind.Object)
            {
                throw BitableErrors.Error(BitableErrors.WrongRequestBody, "fields must be an object of field name → value");
            }

            var cells = new List<(BitableField, JsonElement?)>();
            foreach (var property in fields.EnumerateObject())
            {
                var field = table.FieldNamed(property.Name) ?? throw BitableErrors.Error(BitableErrors.FieldNameNotFound, $"table {table.TableId} has no field named '{property.Name}'");
                cells.Add((field, writer.Write(field, property.Value)));
            }

            checkedRecords.Add(new CheckedRecord(recordId, cells));
        }

        return checkedRecords;
    }

    public static List<BitableRecord> Create(BitableTransaction tx, BitableBase app, BitableTable table, CellWriter writer, List<CheckedRecord> records)
    {
        var limit = tx.Store.Options.MaxRecordsPerTable;
        if (table.Records.Count + records.Count > limit)
        {
            throw BitableErrors.Error(BitableErrors.RecordExceedLimit, $"table {table.TableId} holds {table.Records.Count} records; {records.Count} more would pass the limit of {limit}");
        }

        writer.ApplyNewOptions();
        var created = new List<BitableRecord>(records.Count);
        var links = new LinkChanges();
        foreach (var record in records)
        {
            var stored = new BitableRecord { RecordId = BitableIds.RecordId(), CreatedBy = tx.Actor, CreatedTime = tx.Now, ModifiedBy = tx.Actor, ModifiedTime = tx.Now };
            var number = table.NextAutoNumber++;
            foreach (var field in table.Fields.Where(f => f.Type == FieldTypes.AutoNumber))
            {
                stored.Cells[field.FieldId] = JsonSerializer.SerializeToElement(AutoNumbers.Format(field, number, tx.Now, app.TimeZone));
            }

            foreach (var field in table.Fields.Where(f => f.Type == FieldTypes.DateTime && AutoFill(f)))
            {
                stored.Cells[field.FieldId] = JsonSerializer.SerializeToElement(tx.Now);
            }

            foreach (var (field, value) in record.Cells)
            {
                Set(stored, field, value, links, table);
            }

            table.AddRecord(stored);
            created.Add(stored);
            tx.RecordAdded(app, table, stored);
        }

        links.Apply(tx, app);
        return created;
    }

    public static List<BitableRecord> Update(BitableTransaction tx, BitableBase app, BitableTable table, CellWriter writer, List<CheckedRecord> records)
    {
        var targets = records.Select(r => BitableStore.Record(table, r.RecordId!)).ToList();
        writer.ApplyNewOptions();
        var links = new LinkChanges();
        for (var i = 0; i < records.Count; i++)
        {
            var record = targets[i];
            var before = new Dictionary<string, JsonElement>(record.Cells, StringComparer.Ordinal);
            var changed = new List<string>();
            foreach (var (field, value) in records[i].Cells)
            {
                var old = record.Cells.TryGetValue(field.FieldId, out var o) ? o.GetRawText() : null;
                if (old != value?.GetRawText())
                {
                    Set(record, field, value, links, table);
                    changed.Add(field.FieldId);
                }
            }

            if (changed.Count > 0)
            {
                record.ModifiedBy = tx.Actor;
                record.ModifiedTime = tx.Now;
                tx.RecordEdited(app, table, record, before, changed);
            }
        }

        links.Apply(tx, app);
        return targets;
    }

    public static void Delete(BitableTransaction tx, BitableBase app, BitableTable table, IReadOnlyList<string> recordIds)
    {
        var records = recordIds.Distinct(StringComparer.Ordinal).Select(id => BitableStore.Record(table, id)).ToList();
        var ids = records.Select(r => r.RecordId).ToHashSet(StringComparer.Ordinal);
        foreach (var record in records)
        {
            tx.RecordDeleted(app, table, record);
        }

        table.RemoveRecords(ids);

        // Link cells anywhere in the base that held a deleted record lose it.
        foreach (var other in app.Tables)
        {
            foreach (var field in other.Fields.Where(f => FieldTypes.IsLink(f.Type) && f.LinkTableId == table.TableId))
            {
                foreach (var holder in other.Records)
                {
                    if (holder.Cells.TryGetValue(field.FieldId, out var cell) && cell.EnumerateArray().Any(e => ids.Contains(e.GetString()!)))
                    {
                        var before = new Dictionary<string, JsonElement>(holder.Cells, StringComparer.Ordinal);
                        var kept = cell.EnumerateArray().Select(e => e.GetString()!).Where(id => !ids.Contains(id)).ToList();
                        SetRaw(holder, field, kept);
                        holder.ModifiedBy = tx.Actor;
                        holder.ModifiedTime = tx.Now;
                        tx.RecordEdited(app, other, holder, before, [field.FieldId]);
                    }
                }
            }
        }
    }

    private static bool AutoFill(BitableField field) =>
        field.Property is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("auto_fill", out var fill) && fill.ValueKind == JsonValueKind.True;

    private static void Set(BitableRecord record, BitableField field, JsonElement? value, LinkChanges links, BitableTable table)
    {
        if (field.Type == FieldTypes.DuplexLink)
        {
            var before = record.Cells.TryGetValue(field.FieldId, out var old) ? old.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
            var after = value?.EnumerateArray().Select(e => e.GetString()!).ToList() ?? [];
            links.Note(table, field, record.RecordId, before, after);
        }

        if (value is { } stored)
        {
            record.Cells[field.FieldId] = stored;
        }
        else
        {
            record.Cells.Remove(field.FieldId);
        }
    }

    private static void SetRaw(BitableRecord record, BitableField field, List<string> ids)
    {
        if (ids.Count == 0)
        {
            record.Cells.Remove(field.FieldId);
        }
        else
        {
            record.Cells[field.FieldId] = JsonSerializer.SerializeToElement(ids);
        }
    }

    /// <summary>The other side of two-way links: records added to or removed from a cell gain or lose the back link.</summary>
    private sealed class LinkChanges
    {
        private readonly List<(BitableTable Table, BitableField Field, string RecordId, List<string> Added, List<string> Removed)> _changes = [];

        public void Note(BitableTable table, BitableField field, string recordId, List<string> before, List<string> after)
        {
            var added = after.Except(before, StringComparer.Ordinal).ToList();
            var removed = before.Except(after, StringComparer.Ordinal).ToList();
            if (added.Count > 0 || removed.Count > 0)
            {
                _changes.Add((table, field, recordId, added, removed));
            }
        }

        public void Apply(BitableTransaction tx, BitableBase app)
        {
            foreach (var (table, field, recordId, added, removed) in _changes)
            {
                if (field.LinkTableId is not { } otherId || app.FindTable(otherId) is not { } other
                    || field.BackFieldId is not { } backId || other.FindField(backId) is not { } back)
                {
                    continue;
                }

                foreach (var (targetId, add) in added.Select(id => (id, true)).Concat(removed.Select(id => (id, false))))
                {
                    if (other.FindRecord(targetId) is not { } target)
                    {
                        continue;
                    }

                    var before = new Dictionary<string, JsonElement>(target.Cells, StringComparer.Ordinal);
                    var current = target.Cells.TryGetValue(back.FieldId, out var cell) ? cell.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
                    var next = add ? current.Append(recordId).Distinct(StringComparer.Ordinal).ToList() : current.Where(id => id != recordId).ToList();
                    if (next.SequenceEqual(current, StringComparer.Ordinal))
                    {
                        continue;
                    }

                    SetRaw(target, back, next);
                    target.ModifiedBy = tx.Actor;
                    target.ModifiedTime = tx.Now;
                    tx.RecordEdited(app, other, target, before, [back.FieldId]);
                }
            }
        }
    }
}
