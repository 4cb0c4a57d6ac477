using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>
/// Records (§8.5): create, update, delete, get, the legacy list, search, and batch create / update / delete / get. Writes
/// answer the fields as written (their write shape) with <c>record_id</c>; reads answer the read shape. Every write passes
/// <see cref="BitableWriteGate"/> (1254291, 1254290), is checked whole before anything changes, and raises the record
/// events; creates honour <c>client_token</c>.
/// </summary>
internal static class BitableRecordEndpoints
{
    private const int Invalid = BitableRequest.Invalid;
    private const int MaxSearchPage = 500;
    private const int MaxBatchGet = 100;

    public static void MapBitableRecordEndpoints(this IEndpointRouteBuilder routes)
    {
        var records = routes.MapGroup("/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records");
        records.MapPost(string.Empty, CreateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
        records.MapGet(string.Empty, List).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordRead);
        records.MapPost("search", SearchAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordRead);
        records.MapPost("batch_create", BatchCreateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
        records.MapPost("batch_update", BatchUpdateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
        records.MapPost("batch_delete", BatchDeleteAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
        records.MapPost("batch_get", BatchGetAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordRead);
        records.MapGet("{record_id}", Get).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordRead);
        records.MapPut("{record_id}", UpdateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
        records.MapDelete("{record_id}", Delete).AsOpenApi(BitableTiers.Tokens, BitableTiers.RecordWrite);
    }

    // ---- writes --------------------------------------------------------------------------------------

    private static async Task<IResult> CreateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var fields = FieldsOf(body);
        var answer = Write(context, store, gate, appToken, tableId, "record.create", body, [(null, fields)], (tx, app, table, writer, records) =>
        {
            var created = RecordWrites.Create(tx, app, table, writer, records);
            return new JsonObject { ["record"] = Echo(fields, created[0]) };
        });
        return Envelope.Ok(answer);
    }

    private static async Task<IResult> BatchCreateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var items = Records(body, store.Options.MaxBatchWrite).Select(r => ((string?)null, FieldsOf(r))).ToList();
        var answer = Write(context, store, gate, appToken, tableId, "record.batch_create", body, items, (tx, app, table, writer, records) =>
        {
            var created = RecordWrites.Create(tx, app, table, writer, records);
            return new JsonObject { ["records"] = new JsonArray([.. created.Select((r, i) => (JsonNode)Echo(items[i].Item2, r))]) };
        });
        return Envelope.Ok(answer);
    }

    private static async Task<IResult> UpdateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "record_id")] string recordId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var fields = FieldsOf(body);
        var answer = Write(context, store, gate, appToken, tableId, null, body, [(recordId, fields)], (tx, app, table, writer, records) =>
        {
            var updated = RecordWrites.Update(tx, app, table, writer, records);
            return new JsonObject { ["record"] = Echo(fields, updated[0]) };
        });
        return Envelope.Ok(answer);
    }

    private static async Task<IResult> BatchUpdateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var items = Records(body, store.Options.MaxBatchWrite).Select(r =>
        {
            var id = r.OptionalString("record_id", Invalid) ?? throw BitableErrors.Error(Invalid, "every record of a batch_update needs record_id");
            return ((string?)id, FieldsOf(r));
        }).ToList();
        var answer = Write(context, store, gate, appToken, tableId, null, body, items, (tx, app, table, writer, records) =>
        {
            var updated = RecordWrites.Update(tx, app, table, writer, records);
            return new JsonObject { ["records"] = new JsonArray([.. updated.Select((r, i) => (JsonNode)Echo(items[i].Item2, r))]) };
        });
        return Envelope.Ok(answer);
    }

    private static IResult Delete([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "record_id")] string recordId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        using var slot = gate.Enter(appToken, tableId);
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            RecordWrites.Delete(tx, app, BitableStore.Table(app, tableId), [recordId]);
            return true;
        });
        return Envelope.Ok(new { deleted = true, record_id = recordId });
    }

    private static async Task<IResult> BatchDeleteAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var ids = body.OptionalStringArray("records", Invalid) ?? throw BitableErrors.Error(Invalid, "records is required: the record ids to delete");
        if (ids.Count == 0)
        {
            throw BitableErrors.Error(Invalid, "records is empty");
        }

        if (ids.Count > store.Options.MaxBatchDelete)
        {
            throw BitableErrors.Error(BitableErrors.RecordAddOnceExceedLimit, $"{ids.Count} records in one call; batch_delete takes at most {store.Options.MaxBatchDelete}");
        }

        using var slot = gate.Enter(appToken, tableId);
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            RecordWrites.Delete(tx, app, BitableStore.Table(app, tableId), ids);
            return true;
        });
        return Envelope.Ok(new { records = ids.Select(id => new { deleted = true, record_id = id }) });
    }

    /// <summary>The common path of record writes: size checks, the write gate, client_token replay, check-then-write.</summary>
    private static JsonNode Write(
        HttpContext context,
        BitableStore store,
        BitableWriteGate gate,
        string appToken,
        string tableId,
        string? operation,
        JsonElement body,
        List<(string? RecordId, JsonElement Fields)> items,
        Func<BitableTransaction, BitableBase, BitableTable, CellWriter, List<RecordWrites.CheckedRecord>, JsonObject> write)
    {
        var idType = BitableRequest.UserIdType(context.Request.Query("user_id_type"));
        var clientToken = operation is null ? null : BitableRequest.ClientTokenOf(context, operation, tableId, body);
        var cells = items.Sum(i => i.Fields.EnumerateObject().Count());
        if (items.Count > 1 && cells > store.Options.MaxBatchCells)
        {
            throw BitableErrors.Error(BitableErrors.DataNotReady, $"the batch writes {cells} cells, more than the base finishes in time ({store.Options.MaxBatchCells}); wait, and retry with a smaller batch");
        }

        using var slot = gate.Enter(appToken, tableId);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            if (clientToken?.Replay(app, store.Clock.GetUtcNow()) is { } replayed)
            {
                return replayed;
            }

            var writer = new CellWriter(tx, app, table, context.CallerIds(store.State), idType);
            var checkedRecords = RecordWrites.Check(writer, items);
            var answer = write(tx, app, table, writer, checkedRecords).ToJsonString();
            clientToken?.Remember(app, answer, store.Clock.GetUtcNow() + store.Options.ClientTokenWindow);
            return answer;
        });
        return JsonNode.Parse(json)!;
    }

    private static JsonElement FieldsOf(JsonElement body) =>
        body.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object ? fields : throw BitableErrors.Error(Invalid, "fields is required: an object of field name → value");

    private static List<JsonElement> Records(JsonElement body, int max)
    {
        var records = body.TryGetProperty("records", out var list) && list.ValueKind == JsonValueKind.Array ? list : throw BitableErrors.Error(Invalid, "records is required");
        var count = records.GetArrayLength();
        if (count == 0)
        {
            throw BitableErrors.Error(Invalid, "records is empty");
        }

        if (count > max)
        {
            throw BitableErrors.Error(BitableErrors.RecordAddOnceExceedLimit, $"{count} records in one call; at most {max}");
        }

        return [.. records.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Object ? r : throw BitableErrors.Error(Invalid, "each record is an object {fields}"))];
    }

    /// <summary>A write's answer: the fields as written, the record id (twice, as <c>id</c> and <c>record_id</c>).</summary>
    private static JsonObject Echo(JsonElement fields, BitableRecord record) => new()
    {
        ["fields"] = JsonNode.Parse(fields.GetRawText()),
        ["id"] = record.RecordId,
        ["record_id"] = record.RecordId,
    };

    // ---- reads ---------------------------------------------------------------------------------------

    private static IResult Get([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "record_id")] string recordId, HttpContext context, BitableStore store)
    {
        var request = context.Request;
        var read = BitableRequest.ReadContext(context, store.State, BitableRequest.UserIdType(request.Query("user_id_type")), BitableRequest.QueryBool(request, "text_field_as_array"));
        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var record = BitableStore.Record(table, recordId);
            var shared = BitableRequest.QueryBool(request, "with_shared_url") ? BitableViews.RecordUrl(app, table, record) : null;
            return new { record = BitableViews.Record(table, record, read, null, BitableRequest.QueryBool(request, "automatic_fields"), shared) };
        }));
    }

    /// <summary>The legacy list: <c>view_id</c>, <c>sort</c> and <c>field_names</c> as JSON strings, text as strings unless asked.</summary>
    private static IResult List([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var request = context.Request;
        var size = BitableRequest.PageSize(request, MaxSearchPage);
        var read = BitableRequest.ReadContext(context, store.State, BitableRequest.UserIdType(request.Query("user_id_type")), BitableRequest.QueryBool(request, "text_field_as_array"));
        if (request.Query("filter") is not null)
        {
            throw BitableErrors.Error(BitableErrors.InvalidFilter, "formula filters of the legacy list are not emulated; use POST …/records/search with a filter object");
        }

        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var view = request.Query("view_id") is { } viewId ? BitableStore.View(table, viewId) : null;
            var sorts = request.Query("sort") is { } sort ? RecordSort.ParseLegacy(sort, table) : [];
            var names = request.Query("field_names") is { } raw ? FieldNames(ParseStringArray(raw, "field_names"), table) : null;
            var query = new RecordQuery(view is null ? null : RecordFilter.OfView(view, table), sorts, names, BitableRequest.QueryBool(request, "automatic_fields"));
            return Page(app, table, query, read, request.Query("page_token"), size, "list|" + request.QueryString.Value);
        }));
    }

    private static async Task<IResult> SearchAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var request = context.Request;
        var body = await BitableRequest.BodyAsync(request, allowEmpty: true);
        var size = BitableRequest.PageSize(request, MaxSearchPage);
        var idType = BitableRequest.UserIdType(request.Query("user_id_type"));
        var read = BitableRequest.ReadContext(context, store.State, idType);
        var names = body.OptionalStringArray("field_names", Invalid);
        if (names is { Count: > 200 })
        {
            throw BitableErrors.FieldValidation("field_names", names.Count.ToString(CultureInfo.InvariantCulture), "at most 200 field names");
        }

        var automatic = body.OptionalBool("automatic_fields", Invalid) ?? false;
        var viewId = body.OptionalString("view_id", Invalid);
        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var view = viewId is null ? null : BitableStore.View(table, viewId);
            var hasFilter = body.TryGetProperty("filter", out var filter) && filter.ValueKind != JsonValueKind.Null;
            var hasSort = body.TryGetProperty("sort", out var sort) && sort.ValueKind != JsonValueKind.Null;
            var sorts = hasSort ? RecordSort.Parse(sort, table) : [];

            // With a filter or a sort the view is ignored (查询记录: "指定的 view_id 会被忽略").
            var group = hasFilter ? RecordFilter.ParseSearch(filter, table, store.State, context.CallerIds(store.State), idType)
                : !hasSort && view is not null ? RecordFilter.OfView(view, table)
                : null;
            var query = new RecordQuery(group, sorts, names is null ? null : FieldNames(names, table), automatic);
            return Page(app, table, query, read, request.Query("page_token"), size, "search|" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body.GetRawText() + idType)))[..16]);
        }));
    }

    private static async Task<IResult> BatchGetAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var ids = body.OptionalStringArray("record_ids", Invalid) ?? throw BitableErrors.Error(Invalid, "record_ids is required");
        if (ids.Count is 0 or > MaxBatchGet)
        {
            throw BitableErrors.FieldValidation("record_ids", ids.Count.ToString(CultureInfo.InvariantCulture), $"record_ids takes 1 to {MaxBatchGet} ids");
        }

        var read = BitableRequest.ReadContext(context, store.State, BitableRequest.UserIdType(body.OptionalString("user_id_type", Invalid)));
        var shared = body.OptionalBool("with_shared_url", Invalid) ?? false;
        var automatic = body.OptionalBool("automatic_fields", Invalid) ?? false;
        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var found = ids.Select(table.FindRecord).OfType<BitableRecord>().ToList();
            return new
            {
                records = found.Select(r => BitableViews.Record(table, r, read, null, automatic, shared ? BitableViews.RecordUrl(app, table, r) : null)).ToList(),
                forbidden_record_ids = Array.Empty<string>(),
                absent_record_ids = ids.Where(id => table.FindRecord(id) is null).ToList(),
            };
        }));
    }

    /// <summary>What a list or search asks: a filter, sorts, the fields to return, and whether to add the automatic fields.</summary>
    private sealed record RecordQuery(FilterGroup? Filter, List<(BitableField Field, bool Desc)> Sorts, IReadOnlySet<string>? FieldNames, bool AutomaticFields);

    private static object Page(BitableBase app, BitableTable table, RecordQuery query, CellReadContext read, string? pageToken, int size, string scope)
    {
        var now = read.State.NowMs();
        var matching = query.Filter is null ? table.Records : table.Records.Where(r => RecordFilter.Matches(query.Filter, r, app, now));
        var sorted = RecordSort.Apply(matching, query.Sorts, read.State);
        var page = Paging.Slice(sorted, r => r.RecordId, false, pageToken, size, table.TableId + "|" + scope, BitableErrors.Fail);
        return new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            total = sorted.Count,
            items = page.Items.Select(r => BitableViews.Record(table, r, read, query.FieldNames, query.AutomaticFields)).ToList(),
        };
    }

    private static HashSet<string> FieldNames(IReadOnlyList<string> names, BitableTable table) =>
        names.FirstOrDefault(n => table.FieldNamed(n) is null) is { } missing
            ? throw BitableErrors.Error(BitableErrors.InvalidFieldNames, $"field_names: '{missing}' is not a field of table {table.TableId}")
            : names.ToHashSet(StringComparer.Ordinal);

    private static List<string> ParseStringArray(string raw, string name)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(raw) ?? [];
        }
        catch (JsonException)
        {
            throw BitableErrors.Error(BitableErrors.InvalidFieldNames, $"{name} must be a JSON array string, e.g. [\"Name\"]");
        }
    }
}
