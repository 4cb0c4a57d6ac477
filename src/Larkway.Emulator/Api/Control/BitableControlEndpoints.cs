using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Api.Bitable;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for Bitable (not part of Feishu, no token): seed a whole base in one call, read bases back, edit records as
/// a user of the Feishu client (the same checks as the Open API, the same record events), and arm write faults — the next
/// writes answer 1254291 Write conflict, 1254607 Data not ready or 1254290 TooManyRequest. Events are dropped with the
/// common <c>POST /_emulator/events/drops</c>.
/// </summary>
internal static class BitableControlEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapBitableControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator/bitable");
        control.MapPost("bases", SeedAsync);
        control.MapGet("bases", (BitableStore store) => Envelope.Ok(new
        {
            items = store.Read(() => store.Bases.Select(b => new
            {
                app_token = b.AppToken,
                name = b.Name,
                time_zone = b.TimeZone,
                subscribers = b.Subscriptions.Select(s => s.AppId).ToList(),
                tables = b.Tables.Select(t => new { table_id = t.TableId, name = t.Name, records = t.Records.Count }).ToList(),
            }).ToList()),
        }));
        control.MapGet("bases/{app_token}", Dump);
        var records = control.MapGroup("bases/{app_token}/tables/{table_id}/records");
        records.MapPost(string.Empty, AddRecordAsync);
        records.MapPatch("{record_id}", EditRecordAsync);
        records.MapDelete("{record_id}", DeleteRecord);
        control.MapPost("faults", AddFaultAsync);
        control.MapGet("faults", (BitableWriteGate gate) => Envelope.Ok(new { items = gate.Faults().Select(f => new { kind = f.Kind, app_token = f.AppToken, remaining = f.Remaining }) }));
        control.MapDelete("faults", (BitableWriteGate gate) =>
        {
            gate.ClearFaults();
            return Envelope.Ok();
        });
    }

    /// <summary>
    /// <c>{"name", "time_zone"?, "owner_app_id"?, "user"?, "tables": [{"name", "fields": [field definitions], "records": [{field name: value}]}]}</c>:
    /// the base, its tables (the first field of each is the index field) and records in the Open API's write shapes (people by
    /// any id or email). Written by <c>user</c> when given, else by the owner app; no events (nobody can have subscribed yet).
    /// </summary>
    private static async Task<IResult> SeedAsync(HttpContext context, BitableStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var state = store.State;
        var owner = body.OptionalString("owner_app_id", Invalid) ?? state.HomeAppId ?? state.Apps[0].AppId;
        _ = ControlLookups.RequireApp(state, owner, Invalid);
        var actor = body.OptionalString("user", Invalid) is { } user ? ChangeActor.User(ControlLookups.RequireUser(state, user, Invalid).OpenId) : ChangeActor.App(owner);
        var timeZone = body.OptionalString("time_zone", Invalid) ?? store.Options.DefaultTimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw ApiErrorException.BadRequest(Invalid, $"time_zone '{timeZone}' is not an IANA time zone");
        }

        var tables = body.TryGetProperty("tables", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().ToList() : [];
        var result = store.Change(actor, tx =>
        {
            var app = new BitableBase { AppToken = BitableIds.AppToken(), Name = body.OptionalString("name", Invalid) ?? "Base", TimeZone = timeZone, OwnerAppId = owner, CreatedTime = tx.Now };
            store.PutBase(app);
            if (tables.Count == 0)
            {
                BitableAppEndpoints.NewTable(tx, app, BitableAppEndpoints.DefaultTableName, null, []);
            }

            var seeded = new JsonArray();
            foreach (var spec in tables)
            {
                var drafts = spec.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().Select(FieldDefinitions.Read).ToList() : [];
                var table = BitableAppEndpoints.NewTable(tx, app, BitableAppEndpoints.TableName(spec.OptionalString("name", Invalid)), null, drafts);
                var rows = spec.TryGetProperty("records", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => ((string?)null, x)).ToList() : [];
                var writer = new CellWriter(tx, app, table, null, "open_id");
                var created = RecordWrites.Create(tx, app, table, writer, RecordWrites.Check(writer, rows));
                seeded.Add(new JsonObject
                {
                    ["table_id"] = table.TableId,
                    ["name"] = table.Name,
                    ["view_id"] = table.Views[0].ViewId,
                    ["field_ids"] = new JsonObject(table.Fields.Select(x => KeyValuePair.Create(x.Name, (JsonNode?)x.FieldId))),
                    ["record_ids"] = new JsonArray([.. created.Select(x => (JsonNode)x.RecordId)]),
                });
            }

            return new JsonObject { ["app_token"] = app.AppToken, ["tables"] = seeded };
        });
        return Envelope.Ok(result);
    }

    private static IResult Dump([FromRoute(Name = "app_token")] string appToken, BitableStore store)
    {
        var state = store.State;
        var read = new CellReadContext(state, state.IdsFor(state.HomeAppId ?? state.Apps[0].AppId), "open_id");
        return Envelope.Ok(store.Read(() =>
        {
            var app = store.Base(appToken);
            return new JsonObject
            {
                ["app_token"] = app.AppToken,
                ["name"] = app.Name,
                ["time_zone"] = app.TimeZone,
                ["revision"] = app.Revision,
                ["subscribers"] = new JsonArray([.. app.Subscriptions.Select(s => (JsonNode)s.AppId)]),
                ["tables"] = new JsonArray([.. app.Tables.Select(t => (JsonNode)new JsonObject
                {
                    ["table_id"] = t.TableId,
                    ["name"] = t.Name,
                    ["revision"] = t.Revision,
                    ["fields"] = new JsonArray([.. t.Fields.Select(f => (JsonNode)BitableViews.Field(f))]),
                    ["views"] = new JsonArray([.. t.Views.Select(v => (JsonNode)BitableViews.View(v, t, withProperty: true))]),
                    ["records"] = new JsonArray([.. t.Records.Select(r => (JsonNode)BitableViews.Record(t, r, read, automaticFields: true))]),
                })]),
            };
        }));
    }

    private static async Task<IResult> AddRecordAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var actor = UserActor(store.State, body);
        var fields = FieldsOf(body);
        var id = store.Change(actor, tx => BitableEdits.Add(tx, store.Base(appToken), tableId, fields).RecordId);
        return Envelope.Ok(new { record_id = id });
    }

    private static async Task<IResult> EditRecordAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "record_id")] string recordId, HttpContext context, BitableStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var actor = UserActor(store.State, body);
        var fields = FieldsOf(body);
        store.Change(actor, tx => BitableEdits.Edit(tx, store.Base(appToken), tableId, recordId, fields));
        return Envelope.Ok(new { record_id = recordId });
    }

    private static IResult DeleteRecord([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "record_id")] string recordId, [FromQuery] string? user, BitableStore store)
    {
        var actor = ChangeActor.User(ControlLookups.RequireUser(store.State, user ?? throw ApiErrorException.BadRequest(Invalid, "?user= is required: who deletes the row"), Invalid).OpenId);
        store.Change(actor, tx =>
        {
            var app = store.Base(appToken);
            RecordWrites.Delete(tx, app, BitableStore.Table(app, tableId), [recordId]);
            return true;
        });
        return Envelope.Ok(new { record_id = recordId, deleted = true });
    }

    private static async Task<IResult> AddFaultAsync(HttpContext context, BitableWriteGate gate)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var kind = body.RequiredString("kind", Invalid);
        if (!BitableFault.IsKnownKind(kind))
        {
            throw ApiErrorException.BadRequest(Invalid, "kind must be write_conflict (1254291), data_not_ready (1254607) or too_many_requests (1254290)");
        }

        var count = body.OptionalInt("count", Invalid) ?? 1;
        if (count < 1)
        {
            throw ApiErrorException.BadRequest(Invalid, "count must be at least 1");
        }

        var fault = new BitableFault(kind, body.OptionalString("app_token", Invalid), count);
        gate.AddFault(fault);
        return Envelope.Ok(new { kind, app_token = fault.AppToken, remaining = count });
    }

    private static ChangeActor UserActor(EmulatorState state, JsonElement body) =>
        ChangeActor.User(ControlLookups.RequireUser(state, body.RequiredString("user", Invalid), Invalid).OpenId);

    private static JsonElement FieldsOf(JsonElement body) =>
        body.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object ? fields : throw ApiErrorException.BadRequest(Invalid, "fields is required: {field name: value}");
}
