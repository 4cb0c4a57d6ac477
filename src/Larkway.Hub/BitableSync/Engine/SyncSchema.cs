using Larkway.Feishu.Bitable;

namespace Larkway.Hub.BitableSync;

/// <summary>A mapped column resolved against both live schemas: its field's current name and type, its column's kind.</summary>
internal sealed record ResolvedColumn(string Column, ColumnKind Kind, string FieldId, string FieldName, BitableFieldType Type)
{
    /// <summary>For a link field, the table its records are in: the column holds their keys (that table's primary field).</summary>
    public string? LinkTableId { get; init; }

    /// <summary>Whether the engine writes it to Bitable (formulas, lookups, automatic fields and links only flow to the database).</summary>
    public bool ToBitable => SyncValues.IsWritable(Type);

    /// <summary>The field's type as Bitable names it, for people to read.</summary>
    public string TypeName => Type.ToString();

    /// <summary>How people read the column's values.</summary>
    public ColumnValues Values => Type switch
    {
        BitableFieldType.User => ColumnValues.People,
        BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime => ColumnValues.Time,
        _ => ColumnValues.AsStored,
    };
}

/// <summary>What a column's values are to a person reading them.</summary>
internal enum ColumnValues
{
    /// <summary>Shown as stored.</summary>
    AsStored,

    /// <summary>People, by email or open_id, comma-separated: shown by the names the directory has for them.</summary>
    People,

    /// <summary>A time as Unix milliseconds: shown as a UTC date and time.</summary>
    Time,
}

/// <summary>
/// A linked table's records by key and back, read once per pass: a link column holds the keys (the linked table's primary
/// field, comma-separated) of the records a cell links to.
/// </summary>
internal sealed record LinkIndex(string TableId, IReadOnlyDictionary<string, string> KeyById, IReadOnlyDictionary<string, string> IdByKey);

/// <summary>
/// The attachment URLs of a sync and the file tokens they were uploaded as, both ways: an attachment column may hold
/// URLs (fetched and uploaded to the base once) or file tokens (used as they are). <see cref="Failed"/> says why a URL
/// gave no file in this pass; <see cref="ToUpload"/> holds the URLs a dry run would upload.
/// </summary>
internal sealed record FileIndex(IReadOnlyDictionary<string, string> TokenByUrl, IReadOnlyDictionary<string, string> UrlByToken)
{
    public static FileIndex Empty { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Failed { get; init; } = new Dictionary<string, string>();

    public IReadOnlySet<string> ToUpload { get; init; } = new HashSet<string>();

    public static FileIndex From(IReadOnlyDictionary<string, string> tokenByUrl)
    {
        var urlByToken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (url, token) in tokenByUrl)
        {
            urlByToken.TryAdd(token, url);
        }

        return new FileIndex(tokenByUrl, urlByToken);
    }

    /// <summary>
    /// Whether an attachment item is a URL (else it is a file token, which has no scheme). Any scheme counts, so a
    /// <c>file:</c> or <c>gopher:</c> item reaches the fetcher and is refused with the reason, not sent on as a token.
    /// </summary>
    public static bool IsUrl(string item) => item.Contains(':', StringComparison.Ordinal) && Uri.TryCreate(item, UriKind.Absolute, out _);
}

/// <summary>A sync's mapping resolved for one pass; columns whose field is gone or changed type are paused, not fatal.</summary>
internal sealed record SyncSchema(ResolvedColumn Key, IReadOnlyList<ResolvedColumn> Columns, IReadOnlyList<SchemaProblem> Problems, string? ModifiedTimeField)
{
    /// <summary>The linked tables' indexes by table id (<see cref="LinkIndex"/>); empty until the pass has read them.</summary>
    public IReadOnlyDictionary<string, LinkIndex> Links { get; init; } = new Dictionary<string, LinkIndex>(StringComparer.Ordinal);

    /// <summary>The sync's uploaded attachment URLs (<see cref="FileIndex"/>); empty until the pass has read them.</summary>
    public FileIndex Files { get; init; } = FileIndex.Empty;

    /// <summary>Whether a column is an attachment column (its items may be URLs the engine uploads).</summary>
    public bool HasAttachments => Columns.Any(c => c.Type == BitableFieldType.Attachment);

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
            else if (field.Type is BitableFieldType.SingleLink or BitableFieldType.DuplexLink && field.Property?.TableId is not { Length: > 0 })
            {
                problems.Add(new SchemaProblem(m.Column, m.FieldId, $"Link field '{field.FieldName}' does not say which table it links to."));
            }
            else if (field.Type is BitableFieldType.SingleLink or BitableFieldType.DuplexLink)
            {
                resolved.Add(new ResolvedColumn(column.Name, column.Kind, field.FieldId, field.FieldName, field.Type) { LinkTableId = field.Property!.TableId });
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

    /// <summary>
    /// The canonical values of a record in column order (cells by the field's current name; links as their keys,
    /// attachments uploaded from a URL as that URL).
    /// </summary>
    public IReadOnlyList<string?> FromBitable(BitableRecord record) =>
        [.. Columns.Select(c => record.Fields.TryGetValue(c.FieldName, out var cell) ? Readable(c, SyncValues.FromBitable(cell, c.Type)) : (c.Type == BitableFieldType.Checkbox ? "false" : null))];

    /// <summary>What Bitable is sent for a column's canonical <paramref name="text"/>: a link's keys become record ids, an attachment's URLs file tokens.</summary>
    /// <exception cref="FormatException">A key no record of the linked table has, a URL that gave no file, or a value the field cannot take.</exception>
    public BitableValue ToBitable(ResolvedColumn column, string? text, IReadOnlyDictionary<string, string?> people)
    {
        if (text is null)
        {
            return SyncValues.ToBitable(text, column.Type, people);
        }

        if (column.LinkTableId is { } table)
        {
            var index = Links[table];
            return new BitableValue.Links([.. SyncValues.Items(text).Select(key => index.IdByKey.TryGetValue(key, out var id)
                ? id
                : throw new FormatException($"no record of the linked table {table} has the key '{key}' (its primary field); add it there, then retry"))]);
        }

        return column.Type == BitableFieldType.Attachment
            ? new BitableValue.Attachments([.. SyncValues.Items(text).Select(FileToken)])
            : SyncValues.ToBitable(text, column.Type, people);
    }

    /// <summary>An attachment item as the file token a cell takes: a token as it is, a URL as the token it was uploaded as.</summary>
    private string FileToken(string item)
    {
        if (!FileIndex.IsUrl(item))
        {
            return item;
        }

        if (Files.TokenByUrl.TryGetValue(item, out var token))
        {
            return token;
        }

        if (Files.ToUpload.Contains(item))
        {
            return item; // a dry run: it would be uploaded first
        }

        throw new FormatException(Files.Failed.TryGetValue(item, out var why) ? why : $"the file at {item} was not uploaded");
    }

    /// <summary>A cell's canonical text as the database holds it: link record ids as keys, uploaded file tokens as their URLs.</summary>
    private string? Readable(ResolvedColumn column, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (column.LinkTableId is { } table && Links.TryGetValue(table, out var index))
        {
            return string.Join(",", text.Split(',').Select(id => index.KeyById.GetValueOrDefault(id) ?? id));
        }

        return column.Type == BitableFieldType.Attachment && Files.UrlByToken.Count > 0
            ? string.Join(",", text.Split(',').Select(token => Files.UrlByToken.GetValueOrDefault(token) ?? token))
            : text;
    }

    /// <summary>The key's canonical text in a record, or null when the record has none.</summary>
    public string? KeyOf(BitableRecord record) => record.Fields.TryGetValue(Key.FieldName, out var cell) ? SyncValues.FromBitable(cell, Key.Type) : null;

    public int IndexOf(ResolvedColumn column) => Columns.ToList().IndexOf(column);
}

/// <summary>The sync's definition does not fit the live schemas; the message says what to fix.</summary>
internal sealed class SyncConfigurationException(string message) : Exception(message);
