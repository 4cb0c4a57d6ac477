using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>Fields of a table (<c>…/tables/{table_id}/fields</c>). Writes are schema writes: 10/s, one at a time per base.</summary>
public class BitableFieldsClient
{
    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableFieldsClient()
    {
    }

    internal BitableFieldsClient(BitableCalls calls) => _calls = calls;

    /// <summary>
    /// The table's fields (<c>GET …/fields</c>), lazily page by page: the schema to read records by
    /// (<see cref="BitableFieldValues.Read(IEnumerable{BitableField})"/>).
    /// </summary>
    /// <param name="appToken">The base.</param>
    /// <param name="tableId">The table.</param>
    /// <param name="viewId">List in this view's order, with its hidden fields marked.</param>
    /// <param name="pageSize">1–100 (Feishu's default is 20).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual FeishuPageable<BitableField> ListAsync(string appToken, string tableId, string? viewId = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        return _calls.Pages(BitableCalls.Route(BitableCalls.Fields, appToken, tableId), BitableCalls.Fields, pageSize,
            q => q.Add("view_id", string.IsNullOrWhiteSpace(viewId) ? null : viewId),
            BitableJsonContext.Wire.FieldPageEnvelope, static f => f, cancellationToken);
    }

    /// <summary>
    /// Creates a field (<c>POST …/fields</c>) with a <c>client_token</c> (yours, or one made per call), so a resend after
    /// a lost answer creates it once.
    /// </summary>
    /// <exception cref="ArgumentException">A definition Feishu would refuse, or a client token that is not a UUID v4 (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableFieldNameDuplicated"/>, <see cref="FeishuErrorCodes.BitableFieldLimit"/>.</exception>
    public virtual async Task<BitableField> CreateAsync(string appToken, string tableId, BitableFieldDefinition field, Guid? clientToken = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        ArgumentNullException.ThrowIfNull(field);
        field.ThrowIfInvalid(nameof(field));
        var path = new Http.Query(BitableCalls.Route(BitableCalls.Fields, appToken, tableId)).Add("client_token", BitableClientTokens.Check(clientToken, nameof(clientToken)));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, path.ToString(), BitableCalls.Fields, BitableTier.SchemaWrite, FieldDefinitionWire.From(field), BitableJsonContext.Wire.FieldDefinitionWire)
                with { Idempotent = true },
            BitableJsonContext.Wire.FieldEnvelope, cancellationToken).ConfigureAwait(false);
        return Field(data, "POST " + BitableCalls.Fields);
    }

    /// <summary>Replaces a field's name, type and settings (<c>PUT …/fields/{field_id}</c>).</summary>
    /// <exception cref="ArgumentException">A definition Feishu would refuse (nothing sent).</exception>
    public virtual async Task<BitableField> UpdateAsync(string appToken, string tableId, string fieldId, BitableFieldDefinition field, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        fieldId = Checks.Id(fieldId, nameof(fieldId), "fld…");
        ArgumentNullException.ThrowIfNull(field);
        field.ThrowIfInvalid(nameof(field));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Put, BitableCalls.Route(BitableCalls.Field, appToken, tableId, fieldId), BitableCalls.Field, BitableTier.SchemaWrite,
                FieldDefinitionWire.From(field), BitableJsonContext.Wire.FieldDefinitionWire),
            BitableJsonContext.Wire.FieldEnvelope, cancellationToken).ConfigureAwait(false);
        return Field(data, "PUT " + BitableCalls.Field);
    }

    /// <summary>Deletes a field (<c>DELETE …/fields/{field_id}</c>); the primary field cannot be deleted.</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitablePrimaryFieldDeleteForbidden"/>.</exception>
    public virtual async Task DeleteAsync(string appToken, string tableId, string fieldId, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        fieldId = Checks.Id(fieldId, nameof(fieldId), "fld…");
        await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Delete, BitableCalls.Route(BitableCalls.Field, appToken, tableId, fieldId), BitableCalls.Field, BitableTier.SchemaWrite),
            BitableJsonContext.Wire.FieldDeletedEnvelope, cancellationToken).ConfigureAwait(false);
    }

    private static BitableField Field(FieldData data, string call) => data.Field is { FieldId.Length: > 0 } field ? field
        : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of {call} has no field.");
}
