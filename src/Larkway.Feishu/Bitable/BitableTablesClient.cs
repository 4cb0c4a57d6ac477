using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>Tables of a base (<c>/open-apis/bitable/v1/apps/{app_token}/tables</c>). Writes are schema writes: 10/s, one at a time per base.</summary>
public class BitableTablesClient
{
    private static readonly char[] ForbiddenNameCharacters = ['/', '\\', '?', '*', ':', '[', ']'];
    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableTablesClient()
    {
    }

    internal BitableTablesClient(BitableCalls calls) => _calls = calls;

    /// <summary>The base's tables (<c>GET …/tables</c>), lazily page by page.</summary>
    /// <param name="appToken">The base.</param>
    /// <param name="pageSize">1–100 (Feishu's default is 20).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">An empty token or a page size outside 1–100 (nothing sent).</exception>
    public virtual FeishuPageable<BitableTable> ListAsync(string appToken, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        return _calls.Pages(BitableCalls.Route(BitableCalls.Tables, appToken), BitableCalls.Tables, pageSize, static q => q,
            BitableJsonContext.Wire.TablePageEnvelope, static t => t.ToModel(), cancellationToken);
    }

    /// <summary>
    /// Creates a table (<c>POST …/tables</c>), with its fields (the first is the primary one) and first view's name when
    /// given. Not retried (a resend would make a second table).
    /// </summary>
    /// <exception cref="ArgumentException">A name Feishu refuses, a view name without fields, or a field definition it would refuse (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableTableNameDuplicated"/>, <see cref="FeishuErrorCodes.BitableTableLimit"/>.</exception>
    public virtual async Task<BitableTableCreated> CreateAsync(string appToken, BitableTableCreate table, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        ArgumentNullException.ThrowIfNull(table);
        TableName(table.Name, nameof(table));
        if (table.DefaultViewName is not null && table.Fields is not { Count: > 0 })
        {
            throw new ArgumentException("A table created with a default view name needs its fields too.", nameof(table));
        }

        foreach (var field in table.Fields ?? [])
        {
            ArgumentNullException.ThrowIfNull(field, nameof(table));
            field.ThrowIfInvalid(nameof(table));
        }

        var body = new TableCreateBody(new TableCreateWire(table.Name, table.DefaultViewName, table.Fields?.Select(FieldDefinitionWire.From).ToList()));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, BitableCalls.Route(BitableCalls.Tables, appToken), BitableCalls.Tables, BitableTier.SchemaWrite, body, BitableJsonContext.Wire.TableCreateBody),
            BitableJsonContext.Wire.TableCreatedEnvelope, cancellationToken).ConfigureAwait(false);
        return data.TableId is { Length: > 0 } id ? new BitableTableCreated(id, data.DefaultViewId, data.FieldIdList ?? [])
            : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of POST {BitableCalls.Tables} has no table_id.");
    }

    /// <summary>Creates tables by name (<c>POST …/tables/batch_create</c>) and returns their ids in order. Not retried.</summary>
    /// <exception cref="ArgumentException">No names, or a name Feishu refuses (nothing sent).</exception>
    public virtual async Task<IReadOnlyList<string>> BatchCreateAsync(string appToken, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Give at least one table name.", nameof(names));
        }

        list.ForEach(n => TableName(n, nameof(names)));
        const string Template = BitableCalls.Tables + "/batch_create";
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, BitableCalls.Route(Template, appToken), Template, BitableTier.SchemaWrite,
                new TablesBody(list.Select(n => new TableNameWire(n)).ToList()), BitableJsonContext.Wire.TablesBody),
            BitableJsonContext.Wire.TableIdsEnvelope, cancellationToken).ConfigureAwait(false);
        return data.TableIds ?? [];
    }

    /// <summary>Renames a table (<c>PATCH …/tables/{table_id}</c>) and returns the name Feishu kept.</summary>
    /// <exception cref="ArgumentException">A name Feishu refuses (nothing sent).</exception>
    public virtual async Task<string> RenameAsync(string appToken, string tableId, string name, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        TableName(name, nameof(name));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Patch, BitableCalls.Route(BitableCalls.Table, appToken, tableId), BitableCalls.Table, BitableTier.SchemaWrite,
                new TableNameWire(name), BitableJsonContext.Wire.TableNameWire) with { Idempotent = true }, // Setting a name twice sets it once.
            BitableJsonContext.Wire.TableNameEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Name ?? name;
    }

    /// <summary>Deletes a table (<c>DELETE …/tables/{table_id}</c>); the base's last table cannot be deleted.</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableLastTableDeleteForbidden"/>.</exception>
    public virtual Task DeleteAsync(string appToken, string tableId, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        return _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Delete, BitableCalls.Route(BitableCalls.Table, appToken, tableId), BitableCalls.Table, BitableTier.SchemaWrite),
            cancellationToken);
    }

    /// <summary>Deletes tables (<c>POST …/tables/batch_delete</c>).</summary>
    /// <exception cref="ArgumentException">No ids or an empty one (nothing sent).</exception>
    public virtual Task BatchDeleteAsync(string appToken, IEnumerable<string> tableIds, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        var ids = Checks.IdList(tableIds, nameof(tableIds), int.MaxValue);
        const string Template = BitableCalls.Tables + "/batch_delete";
        return _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, BitableCalls.Route(Template, appToken), Template, BitableTier.SchemaWrite,
                new TableIdsBody([.. ids]), BitableJsonContext.Wire.TableIdsBody),
            cancellationToken);
    }

    private static void TableName(string? name, string paramName)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > BitableLimits.MaxTableNameLength)
        {
            throw new ArgumentException($"A table name has 1–{BitableLimits.MaxTableNameLength} characters (got {name?.Length ?? 0}).", paramName);
        }

        if (name.IndexOfAny(ForbiddenNameCharacters) >= 0)
        {
            throw new ArgumentException($"The table name '{name}' holds one of / \\ ? * : [ ], which Feishu refuses.", paramName);
        }
    }
}
