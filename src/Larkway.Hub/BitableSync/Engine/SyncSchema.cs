using Larkway.Feishu.Bitable;

namespace Larkway.Hub.BitableSync;

/// <summary>A mapped column resolved against both live schemas: its field's current name and type, its column's kind.</summary>
internal sealed record ResolvedColumn(string Column, ColumnKind Kind, string FieldId, string FieldName, BitableFieldType Type)
{
    /// <summary>Whether the engine writes it to Bitable (formulas, lookups, automatic fields and links only flow to the database).</summary>
    public bool ToBitable => SyncValues.IsWritable(Type);
}

/// <summary>A sync's mapping resolved for one pass; columns whose field is gone or changed type are paused, not fatal.</summary>
internal sealed record SyncSchema(ResolvedColumn Key, IReadOnlyList<ResolvedColumn> Columns, IReadOnlyList<SchemaProblem> Problems, string? ModifiedTimeField)
{
    /// <summary>
    /// Resolves <paramref name="mapping"/>: each field by id (its name may have changed — that is fine), each column by name.
    /// A missing field, a missing column or a field whose type no longer converts pauses that column with the difference said.
    /// The key must resolve, or the sync cannot run at all.
    /// </summary>
    public static SyncSchema Resolve(SyncMapping mapping, IReadOnlyList<BitableField> fields, IReadOnlyList<SyncColumn> columns)
    {
        var byId = fields.ToDictionary(f => f.FieldId, StringComparer.Ordinal);
        var byName = columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var problems = new List<SchemaProblem>();
        var resolved = new List<ResolvedColumn>();
        foreach (var m in mapping.Columns)
        {
            if (!byName.TryGetValue(m.Column, out var column))
            {
                problems.Add(new SchemaProblem(m.Column, m.FieldId, $"The table has no column '{m.Column}' any more."));
            }
            else if (!byId.TryGetValue(m.FieldId, out var field))
            {
                problems.Add(new SchemaProblem(m.Column, m.FieldId, $"The Bitable table has no field {m.FieldId} any more (deleted?)."));
            }
            else if (field.Type is BitableFieldType.SingleLink or BitableFieldType.DuplexLink or BitableFieldType.GroupChat)
            {
                problems.Add(new SchemaProblem(m.Column, m.FieldId, $"Field '{field.FieldName}' is a {field.Type} field, which the sync does not convert yet."));
            }
            else
            {
                resolved.Add(new ResolvedColumn(column.Name, column.Kind, field.FieldId, field.FieldName, field.Type));
            }
        }

        var key = resolved.FirstOrDefault(c => string.Equals(c.Column, mapping.KeyColumn, StringComparison.OrdinalIgnoreCase) && c.FieldId == mapping.KeyFieldId)
            ?? throw new SyncConfigurationException(problems.FirstOrDefault(p => p.FieldId == mapping.KeyFieldId || string.Equals(p.Column, mapping.KeyColumn, StringComparison.OrdinalIgnoreCase))?.Problem
                ?? $"The key pair ({mapping.KeyColumn} ↔ {mapping.KeyFieldId}) is not among the mapped columns.");
        if (!key.ToBitable || key.Type is BitableFieldType.MultiSelect or BitableFieldType.User or BitableFieldType.Attachment or BitableFieldType.Checkbox)
        {
            throw new SyncConfigurationException($"The key field '{key.FieldName}' is a {key.Type} field; a key must be text, a number, a single option, a phone, a URL or a date.");
        }

        var modified = fields.FirstOrDefault(f => f.Type == BitableFieldType.ModifiedTime)?.FieldName;
        return new SyncSchema(key, resolved, problems, modified);
    }

    /// <summary>The canonical values of a database row in column order.</summary>
    public IReadOnlyList<string?> FromDatabase(DbRow row) => [.. Columns.Select(c => SyncValues.FromDatabase(row.Values.GetValueOrDefault(c.Column), c.Type))];

    /// <summary>The canonical values of a record in column order (cells by the field's current name).</summary>
    public IReadOnlyList<string?> FromBitable(BitableRecord record) =>
        [.. Columns.Select(c => record.Fields.TryGetValue(c.FieldName, out var cell) ? SyncValues.FromBitable(cell, c.Type) : (c.Type == BitableFieldType.Checkbox ? "false" : null))];

    /// <summary>The key's canonical text in a record, or null when the record has none.</summary>
    public string? KeyOf(BitableRecord record) => record.Fields.TryGetValue(Key.FieldName, out var cell) ? SyncValues.FromBitable(cell, Key.Type) : null;

    public int IndexOf(ResolvedColumn column) => Columns.ToList().IndexOf(column);
}

/// <summary>The sync's definition does not fit the live schemas; the message says what to fix.</summary>
internal sealed class SyncConfigurationException(string message) : Exception(message);
