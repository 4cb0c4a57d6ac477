using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// Records of a table (<c>…/tables/{table_id}/records</c>): cells are written as <see cref="BitableRecordFields"/> and
/// read as <see cref="BitableFieldValues"/>. Record writes are paced at 50/s per endpoint and go one at a time per base;
/// searches and batch gets at 20/s. Batches are split at the configured caps and written as far as they can be (see
/// <see cref="BatchCreateAsync"/>).
/// </summary>
public class BitableRecordsClient
{
    private const string Search = BitableCalls.Records + "/search";
    private const string BatchCreate = BitableCalls.Records + "/batch_create";
    private const string BatchUpdate = BitableCalls.Records + "/batch_update";
    private const string BatchDelete = BitableCalls.Records + "/batch_delete";
    private const string BatchGet = BitableCalls.Records + "/batch_get";

    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableRecordsClient()
    {
    }

    internal BitableRecordsClient(BitableCalls calls) => _calls = calls;

    /// <summary>
    /// Creates a record (<c>POST …/records</c>) with a <c>client_token</c> (<see cref="BitableWriteOptions.ClientToken"/>,
    /// or one made per call), so a resend after a lost answer creates it once.
    /// </summary>
    /// <exception cref="ArgumentException">No cells, a cell Feishu would refuse, or a client token that is not a UUID v4 (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableFieldNameNotFound"/>, <see cref="FeishuErrorCodes.BitableFieldTypeValueNotMatch"/>.</exception>
    public virtual async Task<BitableRecord> CreateAsync(string appToken, string tableId, BitableRecordFields fields, BitableWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        ArgumentNullException.ThrowIfNull(fields);
        fields.ThrowIfInvalid(nameof(fields));
        options ??= new BitableWriteOptions();
        var path = WriteQuery(BitableCalls.Route(BitableCalls.Records, appToken, tableId), options, BitableClientTokens.Check(options.ClientToken, nameof(options)));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, path, BitableCalls.Records, BitableTier.RecordWrite, new RecordBody(fields), BitableJsonContext.Wire.RecordBody) with { Idempotent = true },
            BitableJsonContext.Wire.RecordEnvelope, cancellationToken).ConfigureAwait(false);
        return Record(data, "POST " + BitableCalls.Records);
    }

    /// <summary>Changes the given cells of a record (<c>PUT …/records/{record_id}</c>); others stay. <see cref="BitableValue.Clear"/> empties a cell.</summary>
    /// <exception cref="ArgumentException">No cells or a cell Feishu would refuse (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableRecordNotFound"/>.</exception>
    public virtual async Task<BitableRecord> UpdateAsync(string appToken, string tableId, string recordId, BitableRecordFields fields, BitableWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        recordId = RecordId(recordId);
        ArgumentNullException.ThrowIfNull(fields);
        fields.ThrowIfInvalid(nameof(fields));
        var path = WriteQuery(BitableCalls.Route(BitableCalls.Record, appToken, tableId, recordId), options ?? new BitableWriteOptions(), clientToken: null);
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Put, path, BitableCalls.Record, BitableTier.RecordWrite, new RecordBody(fields), BitableJsonContext.Wire.RecordBody),
            BitableJsonContext.Wire.RecordEnvelope, cancellationToken).ConfigureAwait(false);
        return Record(data, "PUT " + BitableCalls.Record);
    }

    /// <summary>Deletes a record (<c>DELETE …/records/{record_id}</c>).</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableRecordNotFound"/>.</exception>
    public virtual async Task<BitableDeletedRecord> DeleteAsync(string appToken, string tableId, string recordId, bool? ignoreConsistencyCheck = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        recordId = RecordId(recordId);
        var path = new Query(BitableCalls.Route(BitableCalls.Record, appToken, tableId, recordId)).Add("ignore_consistency_check", ignoreConsistencyCheck);
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Delete, path.ToString(), BitableCalls.Record, BitableTier.RecordWrite),
            BitableJsonContext.Wire.DeletedRecordEnvelope, cancellationToken).ConfigureAwait(false);
        return new BitableDeletedRecord(data.RecordId ?? recordId, data.Deleted);
    }

    /// <summary>
    /// One record (<c>GET …/records/{record_id}</c>). Text cells are asked for as segments (<c>text_field_as_array</c>),
    /// as search returns them.
    /// </summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableRecordNotFound"/>.</exception>
    public virtual async Task<BitableRecord> GetAsync(string appToken, string tableId, string recordId, BitableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        recordId = RecordId(recordId);
        options ??= new BitableReadOptions();
        var path = new Query(BitableCalls.Route(BitableCalls.Record, appToken, tableId, recordId))
            .Add("text_field_as_array", true)
            .Add("user_id_type", BitableWireNames.UserIdType(options.UserIdType))
            .Add("with_shared_url", options.WithSharedUrl ? true : null)
            .Add("automatic_fields", options.AutomaticFields ? true : null);
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), BitableCalls.Record, BitableTier.Read),
            BitableJsonContext.Wire.RecordEnvelope, cancellationToken).ConfigureAwait(false);
        return Record(data, "GET " + BitableCalls.Record);
    }

    /// <summary>
    /// Searches records (<c>POST …/records/search</c>), lazily page by page: a filter built with
    /// <see cref="BitableWhere"/> (checked before anything is sent), a sort, a field selection, automatic fields.
    /// </summary>
    /// <param name="appToken">The base.</param>
    /// <param name="tableId">The table.</param>
    /// <param name="search">What to find; null finds every record.</param>
    /// <param name="pageSize">1–500 (Feishu's default is 20).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">A filter, sort or selection Feishu would refuse, or a page size outside 1–500 (nothing sent).</exception>
    public virtual FeishuPageable<BitableRecord> SearchAsync(string appToken, string tableId, BitableSearch? search = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        Checks.PageSize(pageSize, BitableLimits.MaxSearchPageSize);
        search ??= new BitableSearch();
        var body = search.ToWire(nameof(search));
        var route = BitableCalls.Route(Search, appToken, tableId);
        var userIdType = BitableWireNames.UserIdType(search.UserIdType);
        return new FetchPageable<BitableRecord>(async (token, size, ct) =>
        {
            Checks.PageSize(size, BitableLimits.MaxSearchPageSize);
            var path = new Query(route).Add("user_id_type", userIdType).Add("page_size", size).Add("page_token", token);
            var data = await _calls.SendAsync(
                _calls.Request(HttpMethod.Post, path.ToString(), Search, BitableTier.Read, body, BitableJsonContext.Wire.SearchBody) with { Idempotent = true }, // A read.
                BitableJsonContext.Wire.RecordPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(static r => r.ToModel());
        }, pageSize, cancellationToken);
    }

    /// <summary>
    /// Records by id (<c>POST …/records/batch_get</c>), in calls of up to <see cref="BitableOptions.BatchGetSize"/> ids;
    /// ids that do not exist or may not be read are reported, not thrown.
    /// </summary>
    /// <exception cref="ArgumentException">No ids or an empty one (nothing sent).</exception>
    public virtual async Task<BitableBatchGetResult> BatchGetAsync(string appToken, string tableId, IEnumerable<string> recordIds, BitableReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        var ids = Checks.IdList(recordIds, nameof(recordIds), int.MaxValue);
        options ??= new BitableReadOptions();
        var route = BitableCalls.Route(BatchGet, appToken, tableId);
        var items = await new BitableBatchRunner<string, GetItem>(_calls, appToken, tableId, BitableBatchKind.Get, _calls.Options.BatchGetSize, ids,
            async (start, count, ct) =>
            {
                var chunk = ids.Skip(start).Take(count).ToList();
                var body = new BatchGetBody(chunk, BitableWireNames.UserIdType(options.UserIdType), options.WithSharedUrl ? true : null, options.AutomaticFields ? true : null);
                var data = await _calls.SendAsync(
                    _calls.Request(HttpMethod.Post, route, BatchGet, BitableTier.Read, body, BitableJsonContext.Wire.BatchGetBody) with { Idempotent = true },
                    BitableJsonContext.Wire.BatchGetEnvelope, ct).ConfigureAwait(false);
                var found = new Dictionary<string, BitableRecord>(StringComparer.Ordinal);
                foreach (var record in data.Records ?? [])
                {
                    found.TryAdd(record.RecordId ?? "", record.ToModel());
                }

                var forbidden = (data.ForbiddenRecordIds ?? []).ToHashSet(StringComparer.Ordinal);
                return chunk.Select(id => new GetItem(found.GetValueOrDefault(id), forbidden.Contains(id))).ToArray();
            }).RunAsync(cancellationToken).ConfigureAwait(false);

        // In the order asked: found, forbidden, or absent (what Feishu did not return is absent, whether it said so or not).
        return new BitableBatchGetResult(
            items.Where(i => i.Record is not null).Select(i => i.Record!).ToArray(),
            ids.Where((_, i) => items[i].Forbidden).ToArray(),
            ids.Where((_, i) => items[i].Record is null && !items[i].Forbidden).ToArray());
    }

    /// <summary>
    /// Creates records (<c>POST …/records/batch_create</c>) in calls of up to <see cref="BitableOptions.BatchCreateSize"/>,
    /// each with a <c>client_token</c> derived from <see cref="BitableWriteOptions.ClientToken"/> (or one made per call) and
    /// its rows, so no retry creates twice. Batches are all-or-nothing on Feishu's side: a call refused for what one record
    /// holds is split until that record stands alone, and the others are written. 1254607 (data not ready) shrinks the
    /// batches after a wait; they grow back after successes. Returns the records created, in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">No records, or a record Feishu would refuse (nothing sent; the message names it).</exception>
    /// <exception cref="BitableBatchException{T}">Not everything was written: the refused records (each with its error), what was written and what was not sent.</exception>
    public virtual async Task<IReadOnlyList<BitableRecord>> BatchCreateAsync(string appToken, string tableId, IEnumerable<BitableRecordFields> records, BitableWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        var rows = Rows(records, nameof(records));
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].ThrowIfInvalid(nameof(records), i);
        }

        options ??= new BitableWriteOptions();
        var batchToken = BitableClientTokens.Check(options.ClientToken, nameof(options));
        var route = BitableCalls.Route(BatchCreate, appToken, tableId);
        return await new BitableBatchRunner<BitableRecordFields, BitableRecord>(_calls, appToken, tableId, BitableBatchKind.Create, _calls.Options.BatchCreateSize, rows,
            async (start, count, ct) =>
            {
                var path = WriteQuery(route, options, BitableClientTokens.Derive(batchToken, start, count));
                var body = new RecordsBody(rows.Skip(start).Take(count).Select(r => new RecordBody(r)).ToList());
                var data = await _calls.WriteAsync(appToken,
                    _calls.Request(HttpMethod.Post, path, BatchCreate, BitableTier.RecordWrite, body, BitableJsonContext.Wire.RecordsBody) with { Idempotent = true },
                    BitableJsonContext.Wire.RecordsEnvelope, ct).ConfigureAwait(false);
                return (data.Records ?? []).Select(r => r.ToModel()).ToArray();
            }).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes records (<c>POST …/records/batch_update</c>) in calls of up to <see cref="BitableOptions.BatchUpdateSize"/>,
    /// split, bisected and shrunk as <see cref="BatchCreateAsync"/> is. A resend sets the same cells again, so it is safe.
    /// </summary>
    /// <exception cref="ArgumentException">No records, an empty id, or a record Feishu would refuse (nothing sent).</exception>
    /// <exception cref="BitableBatchException{T}">Not everything was written (see <see cref="BatchCreateAsync"/>).</exception>
    public virtual async Task<IReadOnlyList<BitableRecord>> BatchUpdateAsync(string appToken, string tableId, IEnumerable<BitableRecordUpdate> records, BitableWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        var rows = Rows(records, nameof(records));
        for (var i = 0; i < rows.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(rows[i].RecordId))
            {
                throw new ArgumentException($"Record [{i}] has no record id.", nameof(records));
            }

            ArgumentNullException.ThrowIfNull(rows[i].Fields, nameof(records));
            rows[i].Fields.ThrowIfInvalid(nameof(records), i);
        }

        options ??= new BitableWriteOptions();
        var route = BitableCalls.Route(BatchUpdate, appToken, tableId);
        var path = WriteQuery(route, options, clientToken: null);
        return await new BitableBatchRunner<BitableRecordUpdate, BitableRecord>(_calls, appToken, tableId, BitableBatchKind.Update, _calls.Options.BatchUpdateSize, rows,
            async (start, count, ct) =>
            {
                var body = new RecordUpdatesBody(rows.Skip(start).Take(count).Select(r => new RecordUpdateWire(r.RecordId.Trim(), r.Fields)).ToList());
                var data = await _calls.WriteAsync(appToken,
                    _calls.Request(HttpMethod.Post, path, BatchUpdate, BitableTier.RecordWrite, body, BitableJsonContext.Wire.RecordUpdatesBody) with { Idempotent = true },
                    BitableJsonContext.Wire.RecordsEnvelope, ct).ConfigureAwait(false);
                return (data.Records ?? []).Select(r => r.ToModel()).ToArray();
            }).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes records (<c>POST …/records/batch_delete</c>) in calls of up to <see cref="BitableOptions.BatchDeleteSize"/>.
    /// A record that no longer exists (a resend after a lost answer, or a wrong id) comes back with
    /// <see cref="BitableDeletedRecord.Deleted"/> false rather than failing the others.
    /// </summary>
    /// <exception cref="ArgumentException">No ids or an empty one (nothing sent).</exception>
    /// <exception cref="BitableBatchException{T}">Not everything was deleted (see <see cref="BatchCreateAsync"/>).</exception>
    public virtual async Task<IReadOnlyList<BitableDeletedRecord>> BatchDeleteAsync(string appToken, string tableId, IEnumerable<string> recordIds, bool? ignoreConsistencyCheck = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        var ids = Checks.IdList(recordIds, nameof(recordIds), int.MaxValue);
        var path = new Query(BitableCalls.Route(BatchDelete, appToken, tableId)).Add("ignore_consistency_check", ignoreConsistencyCheck).ToString();
        return await new BitableBatchRunner<string, BitableDeletedRecord>(_calls, appToken, tableId, BitableBatchKind.Delete, _calls.Options.BatchDeleteSize, ids,
            async (start, count, ct) =>
            {
                var chunk = ids.Skip(start).Take(count).ToList();
                var data = await _calls.WriteAsync(appToken,
                    _calls.Request(HttpMethod.Post, path, BatchDelete, BitableTier.RecordWrite, new RecordIdsBody(chunk), BitableJsonContext.Wire.RecordIdsBody) with { Idempotent = true },
                    BitableJsonContext.Wire.DeletedRecordsEnvelope, ct).ConfigureAwait(false);
                var answered = (data.Records ?? []).Where(r => r.RecordId is not null).ToDictionary(r => r.RecordId!, r => r.Deleted, StringComparer.Ordinal);
                return chunk.Select(id => new BitableDeletedRecord(id, answered.GetValueOrDefault(id, true))).ToArray();
            },
            recover: (i, ex) => ex.Code == FeishuErrorCodes.BitableRecordNotFound ? new BitableDeletedRecord(ids[i], false) : null).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What batch get found for one id.</summary>
    private sealed record GetItem(BitableRecord? Record, bool Forbidden);

    private static string WriteQuery(string route, BitableWriteOptions options, string? clientToken) => new Query(route)
        .Add("user_id_type", BitableWireNames.UserIdType(options.UserIdType))
        .Add("client_token", clientToken)
        .Add("ignore_consistency_check", options.IgnoreConsistencyCheck)
        .ToString();

    private static string RecordId(string recordId) => Checks.Id(recordId, nameof(recordId), "rec…");

    private static List<T> Rows<T>(IEnumerable<T> records, string paramName)
    {
        ArgumentNullException.ThrowIfNull(records, paramName);
        var rows = records.ToList();
        if (rows.Count == 0)
        {
            throw new ArgumentException("Give at least one record.", paramName);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is null)
            {
                throw new ArgumentException($"Record [{i}] is null.", paramName);
            }
        }

        return rows;
    }

    private static BitableRecord Record(RecordData data, string call) => data.Record is { } record ? record.ToModel()
        : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of {call} has no record.");
}
