using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// The Bitable view: <c>/bitable</c> lists the bases; <c>/bitable/{app_token}?table=&amp;as=</c> shows a table as a grid one
/// user of the Feishu client edits — change cells and save a row, add a row, delete a row. Each edit goes through the same
/// checks as the Open API (a refused value comes back as a notice) and raises the record events Feishu would send, with that
/// user as operator. Plain forms, no script; cross-site posts are refused with 403.
/// </summary>
internal static class BitablePages
{
    public static void MapBitablePages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/bitable", List);
        routes.MapGet("/bitable/{app_token}", Grid);
        routes.MapPost("/bitable/{app_token}/tables/{table_id}/records", (HttpContext c, [FromRoute(Name = "app_token")] string app, [FromRoute(Name = "table_id")] string table, BitableStore store) => EditAsync(c, app, table, null, store));
        routes.MapPost("/bitable/{app_token}/tables/{table_id}/records/{record_id}", (HttpContext c, [FromRoute(Name = "app_token")] string app, [FromRoute(Name = "table_id")] string table, [FromRoute(Name = "record_id")] string record, BitableStore store) => EditAsync(c, app, table, record, store));
    }

    private static IResult List(BitableStore store)
    {
        var body = new StringBuilder("<h1>Bitable</h1><table><tr><th>Base</th><th>app_token</th><th>Tables</th><th>Records</th><th>Subscribed apps</th></tr>");
        var count = store.Read(() =>
        {
            foreach (var app in store.Bases.OrderBy(b => b.CreatedTime))
            {
                body.Append("<tr><td><a href=\"/bitable/").Append(Uri.EscapeDataString(app.AppToken)).Append("\">").Append(Html.Encode(app.Name.Length > 0 ? app.Name : "(untitled)"))
                    .Append("</a></td><td><code>").Append(Html.Encode(app.AppToken)).Append("</code></td><td>").Append(app.Tables.Count.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(app.Tables.Sum(t => t.Records.Count).ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(Html.Encode(string.Join(", ", app.Subscriptions.Select(s => s.AppId).Distinct(StringComparer.Ordinal)))).Append("</td></tr>");
            }

            return store.Bases.Count();
        });
        if (count == 0)
        {
            body.Append("<tr><td colspan=\"5\" class=\"meta\">No bases yet: create one with POST /open-apis/bitable/v1/apps or POST /_emulator/bitable/bases.</td></tr>");
        }

        return Page("Bitable", body.Append("</table>").ToString());
    }

    private static IResult Grid([FromRoute(Name = "app_token")] string appToken, [FromQuery(Name = "table")] string? tableId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? error, [FromQuery] string? notice, BitableStore store)
    {
        var state = store.State;
        var html = store.Read(() =>
        {
            if (store.FindBase(appToken) is not { } app)
            {
                return null;
            }

            var table = (tableId is null ? null : app.FindTable(tableId)) ?? app.Tables.FirstOrDefault();
            var actors = state.Users.Where(u => !u.IsResigned).OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
            var current = actors.FirstOrDefault(u => u.OpenId == (actingAs is null ? null : state.FindUserByAnyOpenId(actingAs)?.OpenId)) ?? actors.FirstOrDefault();
            var body = new StringBuilder("<h1>").Append(Html.Encode(app.Name.Length > 0 ? app.Name : "(untitled base)")).Append("</h1><p class=\"meta\">")
                .Append(Html.Encode($"app_token {app.AppToken} · time zone {app.TimeZone} · revision {app.Revision}")).Append("</p>");
            if (error is not null)
            {
                body.Append("<div class=\"flash flash-error\" role=\"alert\">").Append(Html.Encode(error)).Append("</div>");
            }
            else if (notice is not null)
            {
                body.Append("<div class=\"flash flash-success\" role=\"status\">").Append(Html.Encode(notice)).Append("</div>");
            }

            body.Append("<nav class=\"tabs\">");
            foreach (var tab in app.Tables)
            {
                body.Append("<a class=\"tab").Append(tab == table ? " current" : string.Empty).Append("\" href=\"").Append(Html.Encode(GridUrl(app.AppToken, tab.TableId, current?.OpenId))).Append("\">")
                    .Append(Html.Encode(tab.Name)).Append("</a> ");
            }

            body.Append("</nav>");
            body.Append("<form class=\"acting\" method=\"get\" action=\"/bitable/").Append(Uri.EscapeDataString(app.AppToken)).Append("\"><input type=\"hidden\" name=\"table\" value=\"")
                .Append(Html.Encode(table?.TableId)).Append("\"><label>Acting as <select name=\"as\">");
            foreach (var user in actors)
            {
                body.Append("<option value=\"").Append(Html.Encode(user.OpenId)).Append('"').Append(user == current ? " selected" : string.Empty).Append('>').Append(Html.Encode(user.Name)).Append("</option>");
            }

            body.Append("</select></label> <button type=\"submit\">Switch</button></form>");
            if (table is not null && current is not null)
            {
                AppendGrid(body, state, app, table, current);
            }

            return body.ToString();
        });
        return html is null
            ? Results.Content(WebEndpoints.Layout("Not found", "<h1>Base not found</h1>"), "text/html; charset=utf-8", Encoding.UTF8, 404)
            : Results.Content(WebEndpoints.Layout("Bitable", html, wide: true), "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static void AppendGrid(StringBuilder body, EmulatorState state, BitableBase app, BitableTable table, EmulatorUser user)
    {
        var action = "/bitable/" + Uri.EscapeDataString(app.AppToken) + "/tables/" + Uri.EscapeDataString(table.TableId) + "/records";
        var editable = table.Fields.Where(Editable).Select(f => f.FieldId).ToList();
        body.Append("<table class=\"grid\" data-table-id=\"").Append(Html.Encode(table.TableId)).Append("\"><thead><tr>");
        foreach (var field in table.Fields)
        {
            body.Append("<th title=\"").Append(Html.Encode($"{field.FieldId} · type {field.Type} · {field.UiType}")).Append("\">").Append(Html.Encode(field.Name)).Append("</th>");
        }

        body.Append("<th></th></tr></thead><tbody>");
        foreach (var record in table.Records)
        {
            var formId = "row-" + record.RecordId;
            body.Append("<tr data-record-id=\"").Append(Html.Encode(record.RecordId)).Append("\">");
            foreach (var field in table.Fields)
            {
                body.Append("<td>");
                AppendCell(body, state, app, field, record, formId);
                body.Append("</td>");
            }

            body.Append("<td class=\"actions\">");
            AppendForm(body, formId, action + "/" + Uri.EscapeDataString(record.RecordId), user, editable, "save", "Save");
            AppendForm(body, "delete-" + record.RecordId, action + "/" + Uri.EscapeDataString(record.RecordId), user, [], "delete", "Delete");
            body.Append("</td></tr>");
        }

        body.Append("<tr class=\"new-row\">");
        foreach (var field in table.Fields)
        {
            body.Append("<td>");
            AppendCell(body, state, app, field, null, "row-new");
            body.Append("</td>");
        }

        body.Append("<td class=\"actions\">");
        AppendForm(body, "row-new", action, user, editable, "add", "Add row");
        body.Append("</td></tr></tbody></table>");
        foreach (var field in table.Fields.Where(f => f.Type is FieldTypes.SingleSelect or FieldTypes.MultiSelect))
        {
            body.Append("<datalist id=\"options-").Append(Html.Encode(field.FieldId)).Append("\">");
            foreach (var option in field.Options)
            {
                body.Append("<option value=\"").Append(Html.Encode(option.Name)).Append("\"></option>");
            }

            body.Append("</datalist>");
        }

        body.Append("<p class=\"meta\">People: names or emails, comma-separated; multi-select, links and group chats: comma-separated; URL: <code>text | link</code>; location: <code>longitude,latitude</code>. ")
            .Append(table.Records.Count.ToString(CultureInfo.InvariantCulture)).Append(" records.</p>");
    }

    private static void AppendForm(StringBuilder body, string formId, string action, EmulatorUser user, List<string> fields, string kind, string label)
    {
        body.Append("<form id=\"").Append(Html.Encode(formId)).Append("\" method=\"post\" action=\"").Append(Html.Encode(action)).Append("\">")
            .Append("<input type=\"hidden\" name=\"operator\" value=\"").Append(Html.Encode(user.OpenId)).Append("\">")
            .Append("<input type=\"hidden\" name=\"action\" value=\"").Append(kind).Append("\">")
            .Append("<input type=\"hidden\" name=\"fields\" value=\"").Append(Html.Encode(string.Join(",", fields))).Append("\">")
            .Append("<button type=\"submit\" class=\"btn").Append(kind == "delete" ? " btn-danger" : " btn-primary").Append("\">").Append(label).Append("</button></form>");
    }

    private static void AppendCell(StringBuilder body, EmulatorState state, BitableBase app, BitableField field, BitableRecord? record, string formId)
    {
        var stored = record is not null && record.Cells.TryGetValue(field.FieldId, out var s) ? s : (JsonElement?)null;
        if (!Editable(field))
        {
            var shown = record is null ? string.Empty : field.Type switch
            {
                FieldTypes.CreatedTime => CellText.FormatDate(record.CreatedTime, app.TimeZone),
                FieldTypes.ModifiedTime => CellText.FormatDate(record.ModifiedTime, app.TimeZone),
                FieldTypes.CreatedUser => NameOf(state, record.CreatedBy),
                FieldTypes.ModifiedUser => NameOf(state, record.ModifiedBy),
                _ => stored is { } value ? CellText.Display(field, value, state, app.TimeZone) : string.Empty,
            };
            body.Append("<span class=\"computed\">").Append(Html.Encode(shown)).Append("</span>");
            return;
        }

        var name = "f_" + field.FieldId;
        var text = stored is { } cell ? CellText.Display(field, cell, state, app.TimeZone) : string.Empty;
        switch (field.Type)
        {
            case FieldTypes.Checkbox:
                body.Append("<input type=\"checkbox\" form=\"").Append(Html.Encode(formId)).Append("\" name=\"").Append(name).Append("\" value=\"true\"").Append(stored is not null ? " checked" : string.Empty)
                    .Append(" aria-label=\"").Append(Html.Encode(field.Name)).Append("\">");
                return;
            case FieldTypes.DateTime:
                var local = stored is { } date ? TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(date.GetInt64()), CellText.Zone(app.TimeZone)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : string.Empty;
                body.Append("<input type=\"datetime-local\" form=\"").Append(Html.Encode(formId)).Append("\" name=\"").Append(name).Append("\" value=\"").Append(Html.Encode(local))
                    .Append("\" aria-label=\"").Append(Html.Encode(field.Name)).Append("\">");
                return;
        }

        var type = field.Type == FieldTypes.Number ? "text\" inputmode=\"decimal" : "text";
        body.Append("<input type=\"").Append(type).Append("\" form=\"").Append(Html.Encode(formId)).Append("\" name=\"").Append(name).Append("\" value=\"").Append(Html.Encode(text))
            .Append("\" aria-label=\"").Append(Html.Encode(field.Name)).Append('"');
        if (field.Type is FieldTypes.SingleSelect or FieldTypes.MultiSelect)
        {
            body.Append(" list=\"options-").Append(Html.Encode(field.FieldId)).Append('"');
        }

        body.Append('>');
    }

    private static async Task<IResult> EditAsync(HttpContext context, string appToken, string tableId, string? recordId, BitableStore store)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = store.State.FindUserByAnyOpenId(form["operator"].ToString());
        var action = form["action"].ToString();
        if (user is null || action is not ("add" or "save" or "delete") || (recordId is null) != (action == "add"))
        {
            return Results.BadRequest();
        }

        var fieldIds = form["fields"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var texts = fieldIds.ToDictionary(id => id, id => form["f_" + id].ToString(), StringComparer.Ordinal);
        var page = GridUrl(appToken, tableId, user.OpenId);
        string notice;
        try
        {
            notice = store.Change(ChangeActor.User(user.OpenId), tx =>
            {
                var app = store.Base(appToken);
                switch (action)
                {
                    case "add":
                        return "Added row " + BitableEdits.AddText(tx, app, tableId, texts).RecordId;
                    case "save":
                        BitableEdits.EditText(tx, app, tableId, recordId!, texts);
                        return "Saved row " + recordId;
                    default:
                        RecordWrites.Delete(tx, app, BitableStore.Table(app, tableId), [recordId!]);
                        return "Deleted row " + recordId;
                }
            });
        }
        catch (ApiErrorException e)
        {
            return Results.Redirect(page + "&error=" + Uri.EscapeDataString(e.Code.ToString(CultureInfo.InvariantCulture) + " " + e.Message));
        }

        return Results.Redirect(page + "&notice=" + Uri.EscapeDataString(notice));
    }

    /// <summary>Cells a person types into: everything but computed fields and attachments (uploads are the API's).</summary>
    private static bool Editable(BitableField field) => !FieldTypes.IsComputed(field.Type) && field.Type != FieldTypes.Attachment;

    private static string NameOf(EmulatorState state, ChangeActor actor) =>
        actor.OpenId is { } openId ? state.FindUser("open_id", openId)?.Name ?? openId
        : actor.AppId is { } appId ? state.FindApp(appId)?.BotName ?? appId
        : string.Empty;

    private static string GridUrl(string appToken, string tableId, string? actingAs) =>
        "/bitable/" + Uri.EscapeDataString(appToken) + "?table=" + Uri.EscapeDataString(tableId) + (actingAs is null ? string.Empty : "&as=" + Uri.EscapeDataString(actingAs));

    private static IResult Page(string title, string body) => Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8);
}
