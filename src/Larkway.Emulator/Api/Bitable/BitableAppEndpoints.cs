using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>The frequency limits of the bitable pages ("接口频率限制").</summary>
internal static class BitableTiers
{
    public const AccessTokenTypes Tokens = AccessTokenTypes.Tenant | AccessTokenTypes.User;

    /// <summary>Create and copy base: 20/min.</summary>
    public static readonly RateWindow[] BaseCreate = [new(20, 60)];

    /// <summary>Get base, list tables, fields and views, get view: 20/s.</summary>
    public static readonly RateWindow[] MetaRead = [new(20, 1)];

    /// <summary>Table, field and view writes (and base updates): 10/s.</summary>
    public static readonly RateWindow[] MetaWrite = [new(10, 1)];

    /// <summary>Record create, update, delete and their batch forms: 50/s.</summary>
    public static readonly RateWindow[] RecordWrite = [new(50, 1)];

    /// <summary>Search, batch_get, and the legacy list and get: 20/s.</summary>
    public static readonly RateWindow[] RecordRead = [new(20, 1)];
}

/// <summary>
/// Bases and tables (bitable v1 §8.1): create, get, update and copy a base; list, create (with fields and a default view),
/// batch create, rename, delete and batch delete tables. Table names are 1–100 characters without <c>/ \ ? * : [ ]</c>,
/// unique in their base; a base holds at most 100 tables; its last table cannot be deleted.
/// </summary>
internal static class BitableAppEndpoints
{
    public const string DefaultTableName = "数据表";
    public const string DefaultFieldName = "文本";
    public const string DefaultViewName = "表格";
    private const int Invalid = BitableRequest.Invalid;

    public static void MapBitableAppEndpoints(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/open-apis/bitable/v1/apps");
        apps.MapPost(string.Empty, CreateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.BaseCreate);
        apps.MapGet("{app_token}", Get).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaRead);
        apps.MapPut("{app_token}", UpdateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        apps.MapPost("{app_token}/copy", CopyAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.BaseCreate);

        var tables = apps.MapGroup("{app_token}/tables");
        tables.MapGet(string.Empty, ListTables).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaRead);
        tables.MapPost(string.Empty, CreateTableAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        tables.MapPost("batch_create", BatchCreateTablesAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        tables.MapPatch("{table_id}", RenameTableAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        tables.MapDelete("{table_id}", DeleteTable).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        tables.MapPost("batch_delete", BatchDeleteTablesAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
    }

    // ---- bases ---------------------------------------------------------------------------------------

    private static async Task<IResult> CreateAsync(HttpContext context, BitableStore store)
    {
        var body = await BitableRequest.BodyAsync(context.Request, allowEmpty: true);
        var name = body.OptionalString("name", Invalid) ?? string.Empty;
        if (name.Length > 255)
        {
            throw BitableErrors.Error(BitableErrors.InvalidAppName, "name is longer than 255 characters");
        }

        var timeZone = TimeZoneOf(body, store.Options.DefaultTimeZone);
        var folder = body.OptionalString("folder_token", Invalid);
        var app = store.Change(BitableRequest.Actor(context), tx => NewBase(tx, name, folder, timeZone, context.CallerApp().AppId));
        return Envelope.Ok(new { app = BaseJson(app, withDefaultTable: true) });
    }

    /// <summary>A base with one table: the index field 文本 and the grid view 表格 (what a new base holds in Feishu).</summary>
    internal static BitableBase NewBase(BitableTransaction tx, string name, string? folder, string timeZone, string ownerAppId)
    {
        var app = new BitableBase { AppToken = BitableIds.AppToken(), Name = name, FolderToken = folder, TimeZone = timeZone, OwnerAppId = ownerAppId, CreatedTime = tx.Now };
        tx.Store.PutBase(app);
        NewTable(tx, app, DefaultTableName, null, []);
        return app;
    }

    private static IResult Get([FromRoute(Name = "app_token")] string appToken, BitableStore store) =>
        Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            return new
            {
                app = new JsonObject
                {
                    ["app_token"] = app.AppToken,
                    ["name"] = app.Name,
                    ["revision"] = app.Revision,
                    ["is_advanced"] = app.IsAdvanced,
                    ["time_zone"] = app.TimeZone,
                    ["formula_type"] = 1,
                    ["advance_version"] = "v1",
                },
            };
        }));

    private static async Task<IResult> UpdateAsync([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request, allowEmpty: true);
        var name = body.OptionalString("name", Invalid);
        var advanced = body.OptionalBool("is_advanced", Invalid);
        if (name is { Length: > 255 })
        {
            throw BitableErrors.Error(BitableErrors.InvalidAppName, "name is longer than 255 characters");
        }

        using var slot = gate.Enter(appToken, null);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            app.Name = name is { Length: > 0 } ? name : app.Name;
            app.IsAdvanced = advanced ?? app.IsAdvanced;
            tx.Touch(app);
            return new JsonObject { ["app_token"] = app.AppToken, ["name"] = app.Name, ["is_advanced"] = app.IsAdvanced, ["time_zone"] = app.TimeZone };
        });
        return Envelope.Ok(new { app = json });
    }

    /// <summary>A copy with new app_token: tables, fields and views with their ids, records too unless <c>without_content</c>.</summary>
    private static async Task<IResult> CopyAsync([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store)
    {
        var body = await BitableRequest.BodyAsync(context.Request, allowEmpty: true);
        var name = body.OptionalString("name", Invalid);
        if (name is { Length: > 255 })
        {
            throw BitableErrors.Error(BitableErrors.InvalidAppName, "name is longer than 255 characters");
        }

        var withoutContent = body.OptionalBool("without_content", Invalid) ?? false;
        var folder = body.OptionalString("folder_token", Invalid);
        var copy = store.Change(BitableRequest.Actor(context), tx =>
        {
            var source = store.Base(appToken);
            var clone = BitableStore.Clone(source);
            var app = new BitableBase
            {
                AppToken = BitableIds.AppToken(),
                Name = name ?? source.Name,
                FolderToken = folder,
                TimeZone = body.TryGetProperty("time_zone", out _) ? TimeZoneOf(body, source.TimeZone) : source.TimeZone,
                OwnerAppId = context.CallerApp().AppId,
                CreatedTime = tx.Now,
                Tables = clone.Tables,
            };
            if (withoutContent)
            {
                foreach (var table in app.Tables)
                {
                    table.Records.Clear();
                }
            }

            tx.Store.PutBase(app);
            tx.Touch(app);
            return app;
        });
        var json = BaseJson(copy, withDefaultTable: false);
        json["time_zone"] = copy.TimeZone;
        return Envelope.Ok(new { app = json });
    }

    private static JsonObject BaseJson(BitableBase app, bool withDefaultTable)
    {
        var json = new JsonObject
        {
            ["app_token"] = app.AppToken,
            ["name"] = app.Name,
            ["folder_token"] = app.FolderToken ?? string.Empty,
            ["url"] = BitableViews.BaseUrlPrefix + app.AppToken,
        };
        if (withDefaultTable)
        {
            json["default_table_id"] = app.Tables.FirstOrDefault()?.TableId ?? string.Empty;
            json["time_zone"] = app.TimeZone;
        }

        return json;
    }

    private static string TimeZoneOf(JsonElement body, string fallback)
    {
        var zone = body.OptionalString("time_zone", Invalid);
        if (string.IsNullOrEmpty(zone))
        {
            return fallback;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) ? zone : throw BitableErrors.Error(Invalid, $"time_zone '{zone}' is not an IANA time zone");
    }

    // ---- tables --------------------------------------------------------------------------------------

    private static IResult ListTables([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store)
    {
        var size = BitableRequest.PageSize(context.Request, 100);
        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            var page = Paging.Slice(app.Tables, t => t.TableId, false, context.Request.Query("page_token"), size, "tables|" + appToken, BitableErrors.Fail);
            return new
            {
                has_more = page.HasMore,
                page_token = page.PageToken,
                total = app.Tables.Count,
                items = page.Items.Select(t => new { table_id = t.TableId, revision = t.Revision, name = t.Name }),
            };
        }));
    }

    private static async Task<IResult> CreateTableAsync([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var table = body.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.Object ? t : throw BitableErrors.Error(Invalid, "table is required: {name, default_view_name?, fields?}");
        var name = TableName(table.OptionalString("name", Invalid));
        var viewName = table.OptionalString("default_view_name", Invalid);
        List<FieldDraft>? drafts = null;
        if (table.TryGetProperty("fields", out var fields) && fields.ValueKind != JsonValueKind.Null)
        {
            drafts = fields.ValueKind == JsonValueKind.Array ? [.. fields.EnumerateArray().Select(FieldDefinitions.Read)] : throw BitableErrors.Error(Invalid, "table.fields must be an array");
            if (drafts.Count is 0 or > 300)
            {
                throw BitableErrors.FieldValidation("table.fields", drafts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "a table is created with 1 to 300 fields");
            }
        }

        if (viewName is not null && drafts is null)
        {
            throw BitableErrors.Error(Invalid, "table.fields is required when default_view_name is given");
        }

        using var slot = gate.Enter(appToken, null);
        var (created, view) = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var newTable = NewTable(tx, app, name, viewName, drafts ?? []);
            return (newTable, newTable.Views[0]);
        });
        var data = new JsonObject { ["table_id"] = created.TableId };
        if (viewName is not null || drafts is not null)
        {
            data["default_view_id"] = view.ViewId;
        }

        if (drafts is not null)
        {
            data["field_id_list"] = new JsonArray([.. created.Fields.Take(drafts.Count).Select(f => (JsonNode)f.FieldId)]);
        }

        return Envelope.Ok(data);
    }

    /// <summary>A table with its fields (the first the index field; none given: the index field 文本) and one grid view.</summary>
    internal static BitableTable NewTable(BitableTransaction tx, BitableBase app, string name, string? viewName, IReadOnlyList<FieldDraft> fields)
    {
        if (app.Tables.Exists(t => t.Name == name))
        {
            throw BitableErrors.Error(BitableErrors.TableNameDuplicated, $"base {app.AppToken} already has a table named '{name}'");
        }

        if (app.Tables.Count >= tx.Store.Options.MaxTablesPerBase)
        {
            throw BitableErrors.Error(BitableErrors.TableExceedLimit, $"base {app.AppToken} already has {app.Tables.Count} tables (tables and dashboards: at most {tx.Store.Options.MaxTablesPerBase})");
        }

        var drafts = fields.Count > 0 ? fields : [new FieldDraft(DefaultFieldName, FieldTypes.Text, "Text", null, [], null)];
        FieldDefinitions.CheckNewTable(app, drafts);
        var table = new BitableTable { TableId = BitableIds.TableId(), Name = name };
        app.Tables.Add(table);
        for (var i = 0; i < drafts.Count; i++)
        {
            FieldDefinitions.Create(tx, app, table, drafts[i], isPrimary: i == 0);
        }

        table.Views.Add(new BitableView { ViewId = BitableIds.ViewId(), Name = BitableViewEndpoints.ViewName(viewName ?? DefaultViewName), Type = "grid" });
        tx.Touch(app, table);
        return table;
    }

    private static async Task<IResult> BatchCreateTablesAsync([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var names = body.TryGetProperty("tables", out var tables) && tables.ValueKind == JsonValueKind.Array
            ? tables.EnumerateArray().Select(t => TableName(t.ValueKind == JsonValueKind.Object ? t.OptionalString("name", Invalid) : null)).ToList()
            : throw BitableErrors.Error(Invalid, "tables is required: [{name}]");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw BitableErrors.Error(BitableErrors.TableNameDuplicated, "two of the tables have the same name");
        }

        using var slot = gate.Enter(appToken, null);
        var ids = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            return names.Select(n => NewTable(tx, app, n, null, []).TableId).ToList();
        });
        return Envelope.Ok(new { table_ids = ids });
    }

    private static async Task<IResult> RenameTableAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request, allowEmpty: true);
        var given = body.OptionalString("name", Invalid)?.Trim();
        using var slot = gate.Enter(appToken, tableId);
        var name = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);

            // An empty name, or the same one, succeeds and changes nothing (更新数据表).
            if (string.IsNullOrEmpty(given) || given == table.Name)
            {
                return table.Name;
            }

            var name = TableName(given);
            if (app.Tables.Exists(t => t != table && t.Name == name))
            {
                throw BitableErrors.Error(BitableErrors.TableNameDuplicated, $"base {app.AppToken} already has a table named '{name}'");
            }

            table.Name = name;
            foreach (var field in app.Tables.SelectMany(t => t.Fields).Where(f => FieldTypes.IsLink(f.Type) && f.LinkTableId == table.TableId))
            {
                var property = JsonNode.Parse(field.Property!.Value.GetRawText())!.AsObject();
                property["table_name"] = name;
                field.Property = JsonSerializer.SerializeToElement(property);
            }

            tx.Touch(app, table);
            return name;
        });
        return Envelope.Ok(new { name });
    }

    private static IResult DeleteTable([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        using var slot = gate.Enter(appToken, null);
        store.Change(BitableRequest.Actor(context), tx => RemoveTables(tx, store.Base(appToken), [tableId]));
        return Envelope.Ok();
    }

    private static async Task<IResult> BatchDeleteTablesAsync([FromRoute(Name = "app_token")] string appToken, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var ids = body.OptionalStringArray("table_ids", Invalid) ?? [];
        if (ids.Count > 50)
        {
            throw BitableErrors.FieldValidation("table_ids", ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "at most 50 tables are deleted per call");
        }

        using var slot = gate.Enter(appToken, null);
        store.Change(BitableRequest.Actor(context), tx => RemoveTables(tx, store.Base(appToken), ids));
        return Envelope.Ok();
    }

    private static bool RemoveTables(BitableTransaction tx, BitableBase app, IReadOnlyList<string> tableIds)
    {
        var tables = tableIds.Distinct(StringComparer.Ordinal).Select(id => BitableStore.Table(app, id)).ToList();
        if (tables.Count >= app.Tables.Count && tables.Count > 0)
        {
            throw BitableErrors.Error(BitableErrors.LastTableCannotBeDeleted, $"base {app.AppToken} would be left without a table");
        }

        foreach (var table in tables)
        {
            app.Tables.Remove(table);
        }

        tx.Touch(app);
        return true;
    }

    /// <summary>1–100 characters, trimmed, none of <c>/ \ ? * : [ ]</c>.</summary>
    internal static string TableName(string? given)
    {
        var name = given?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 100 || name.IndexOfAny(['/', '\\', '?', '*', ':', '[', ']']) >= 0)
        {
            throw BitableErrors.Error(Invalid, $"table name '{name}' must be 1 to 100 characters without / \\ ? * : [ ]");
        }

        return name;
    }
}
