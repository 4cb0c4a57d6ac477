using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Bitable;

/// <summary>
/// Fields (§8.3): list (with a view, its hidden fields flagged; <c>text_field_as_array</c> for descriptions), create
/// (<c>client_token</c>), update (name, type, ui_type, property and description replaced; a new type converts the cells
/// through their text) and delete (never the index field).
/// </summary>
internal static class BitableFieldEndpoints
{
    public static void MapBitableFieldEndpoints(this IEndpointRouteBuilder routes)
    {
        var fields = routes.MapGroup("/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields");
        fields.MapGet(string.Empty, List).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaRead);
        fields.MapPost(string.Empty, CreateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        fields.MapPut("{field_id}", UpdateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        fields.MapDelete("{field_id}", Delete).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
    }

    private static IResult List([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var size = BitableRequest.PageSize(context.Request, 100);
        var asArray = BitableRequest.QueryBool(context.Request, "text_field_as_array");
        var viewId = context.Request.Query("view_id");
        return Envelope.Ok(store.Read(() =>
        {
            var table = BitableStore.Table(store.Base(appToken), tableId);
            var hidden = viewId is null ? [] : (BitableStore.View(table, viewId).HiddenFields ?? []).ToHashSet(StringComparer.Ordinal);
            var page = Paging.Slice(table.Fields, f => f.FieldId, false, context.Request.Query("page_token"), size, "fields|" + tableId, BitableErrors.Fail);
            return new
            {
                has_more = page.HasMore,
                page_token = page.PageToken,
                total = table.Fields.Count,
                items = page.Items.Select(f =>
                {
                    var json = BitableViews.Field(f, asArray);
                    json["is_hidden"] = hidden.Contains(f.FieldId);
                    return json;
                }).ToList(),
            };
        }));
    }

    private static async Task<IResult> CreateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var clientToken = BitableRequest.ClientTokenOf(context, "field.create", tableId, body);
        var draft = FieldDefinitions.Read(body);
        using var slot = gate.Enter(appToken, tableId);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            if (clientToken?.Replay(app, store.Clock.GetUtcNow()) is { } replayed)
            {
                return replayed;
            }

            var field = FieldDefinitions.Create(tx, app, table, draft);
            var answer = new JsonObject { ["field"] = BitableViews.Field(field) }.ToJsonString();
            clientToken?.Remember(app, answer, store.Clock.GetUtcNow() + store.Options.ClientTokenWindow);
            return answer;
        });
        return Envelope.Ok(JsonNode.Parse(json));
    }

    private static async Task<IResult> UpdateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "field_id")] string fieldId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var draft = FieldDefinitions.Read(body);
        using var slot = gate.Enter(appToken, tableId);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var field = BitableStore.Field(table, fieldId);
            FieldDefinitions.Update(tx, app, table, field, draft);
            tx.Touch(app, table);
            return BitableViews.Field(field);
        });
        return Envelope.Ok(new { field = json });
    }

    private static IResult Delete([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "field_id")] string fieldId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        using var slot = gate.Enter(appToken, tableId);
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            FieldDefinitions.Delete(tx, app, table, BitableStore.Field(table, fieldId));
            return true;
        });
        return Envelope.Ok(new { field_id = fieldId, deleted = true });
    }
}

/// <summary>
/// Views (§8.4): list, create (<c>view_name</c> 1–100 characters without <c>[ ]</c>, unique; <c>view_type</c> grid, kanban,
/// gallery, gantt or form; at most 200 per table), get, patch (name, <c>filter_info</c> checked like a search filter,
/// <c>hidden_fields</c>, <c>hierarchy_config</c>) and delete (not the table's last view).
/// </summary>
internal static class BitableViewEndpoints
{
    private const int Invalid = BitableRequest.Invalid;

    public static void MapBitableViewEndpoints(this IEndpointRouteBuilder routes)
    {
        var views = routes.MapGroup("/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/views");
        views.MapGet(string.Empty, List).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaRead);
        views.MapPost(string.Empty, CreateAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        views.MapGet("{view_id}", Get).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaRead);
        views.MapPatch("{view_id}", PatchAsync).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
        views.MapDelete("{view_id}", Delete).AsOpenApi(BitableTiers.Tokens, BitableTiers.MetaWrite);
    }

    /// <summary>1–100 characters, trimmed, without <c>[ ]</c>.</summary>
    internal static string ViewName(string? given)
    {
        var name = given?.Trim() ?? string.Empty;
        return name.Length == 0 ? throw BitableErrors.Error(BitableErrors.EmptyViewName, "view_name is required and may not be blank")
            : name.Length > 100 || name.IndexOfAny(['[', ']']) >= 0 ? throw BitableErrors.Error(BitableErrors.InvalidViewName, $"view name '{name}' must be at most 100 characters without [ ]")
            : name;
    }

    private static IResult List([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store)
    {
        var size = BitableRequest.PageSize(context.Request, 100);
        _ = BitableRequest.UserIdType(context.Request.Query("user_id_type"));
        return Envelope.Ok(store.Read(() =>
        {
            var table = BitableStore.Table(store.Base(appToken), tableId);
            var page = Paging.Slice(table.Views, v => v.ViewId, false, context.Request.Query("page_token"), size, "views|" + tableId, BitableErrors.Fail);
            return new
            {
                has_more = page.HasMore,
                page_token = page.PageToken,
                total = table.Views.Count,
                items = page.Items.Select(v =>
                {
                    var json = BitableViews.View(v, table, withProperty: false);
                    json["view_public_level"] = "Public";
                    return json;
                }).ToList(),
            };
        }));
    }

    private static async Task<IResult> CreateAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request);
        var name = ViewName(body.OptionalString("view_name", Invalid));
        var type = body.OptionalString("view_type", Invalid) ?? "grid";
        if (type is not ("grid" or "kanban" or "gallery" or "gantt" or "form"))
        {
            throw BitableErrors.Error(BitableErrors.InvalidViewType, $"view_type '{type}' is not grid, kanban, gallery, gantt or form");
        }

        using var slot = gate.Enter(appToken, tableId);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            CheckName(table, name, null);
            if (table.Views.Count >= store.Options.MaxViewsPerTable)
            {
                throw BitableErrors.Error(BitableErrors.ViewExceedLimit, $"table {tableId} already has {table.Views.Count} views (at most {store.Options.MaxViewsPerTable})");
            }

            var view = new BitableView { ViewId = BitableIds.ViewId(), Name = name, Type = type };
            table.Views.Add(view);
            tx.Touch(app, table);
            return BitableViews.View(view, table, withProperty: false);
        });
        return Envelope.Ok(new { view = json });
    }

    private static IResult Get([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "view_id")] string viewId, BitableStore store) =>
        Envelope.Ok(store.Read(() =>
        {
            var table = BitableStore.Table(store.Base(appToken), tableId);
            return new { view = BitableViews.View(BitableStore.View(table, viewId), table, withProperty: true) };
        }));

    private static async Task<IResult> PatchAsync([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "view_id")] string viewId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        var body = await BitableRequest.BodyAsync(context.Request, allowEmpty: true);
        var name = body.TryGetProperty("view_name", out _) ? ViewName(body.OptionalString("view_name", Invalid)) : null;
        var property = body.TryGetProperty("property", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        using var slot = gate.Enter(appToken, tableId);
        var json = store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var view = BitableStore.View(table, viewId);
            if (name is not null)
            {
                CheckName(table, name, view);
                view.Name = name;
            }

            if (property is { } given)
            {
                ApplyProperty(app, table, view, given);
            }

            tx.Touch(app, table);
            return BitableViews.View(view, table, withProperty: true);
        });
        return Envelope.Ok(new { view = json });
    }

    private static void ApplyProperty(BitableBase app, BitableTable table, BitableView view, JsonElement property)
    {
        if (property.TryGetProperty("filter_info", out var filter))
        {
            view.FilterInfo = filter.ValueKind == JsonValueKind.Null ? null : RecordFilter.ReadViewFilter(filter, app, table);
        }

        if (property.TryGetProperty("hidden_fields", out var hidden))
        {
            var ids = hidden.ValueKind == JsonValueKind.Null ? [] : property.OptionalStringArray("hidden_fields", Invalid)!.ToList();
            if (ids.Count > 300)
            {
                throw BitableErrors.FieldValidation("property.hidden_fields", ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "at most 300 hidden fields");
            }

            foreach (var id in ids)
            {
                if (BitableStore.Field(table, id).IsPrimary)
                {
                    throw BitableErrors.Error(Invalid, $"field {id} is the index field, which cannot be hidden");
                }
            }

            view.HiddenFields = ids.Count == 0 ? null : [.. ids.Distinct(StringComparer.Ordinal)];
        }

        if (property.TryGetProperty("hierarchy_config", out var hierarchy))
        {
            view.HierarchyFieldId = hierarchy.ValueKind == JsonValueKind.Object && hierarchy.OptionalString("field_id", Invalid) is { } fieldId
                ? BitableStore.Field(table, fieldId).FieldId
                : null;
        }
    }

    private static IResult Delete([FromRoute(Name = "app_token")] string appToken, [FromRoute(Name = "table_id")] string tableId, [FromRoute(Name = "view_id")] string viewId, HttpContext context, BitableStore store, BitableWriteGate gate)
    {
        using var slot = gate.Enter(appToken, tableId);
        store.Change(BitableRequest.Actor(context), tx =>
        {
            var app = store.Base(appToken);
            var table = BitableStore.Table(app, tableId);
            var view = BitableStore.View(table, viewId);
            if (table.Views.Count == 1)
            {
                throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"view {viewId} is the last view of table {tableId}, which cannot be deleted");
            }

            table.Views.Remove(view);
            tx.Touch(app, table);
            return true;
        });
        return Envelope.Ok();
    }

    private static void CheckName(BitableTable table, string name, BitableView? self)
    {
        if (table.Views.Exists(v => v != self && v.Name == name))
        {
            throw BitableErrors.Error(BitableErrors.ViewNameDuplicated, $"table {table.TableId} already has a view named '{name}'");
        }
    }
}
