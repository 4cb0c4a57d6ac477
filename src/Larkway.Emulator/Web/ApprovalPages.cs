using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Api.Approval;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// The approvals view: instances, and an instance page (form values, tasks, timeline, comments) where
/// the page's current user (<c>?as=open_id</c>) approves, rejects or comments through plain form posts —
/// the same rules as the Open API (only the assignee, only a pending task). No script.
/// </summary>
internal static class ApprovalPages
{
    public static void MapApprovalPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/approvals", List);
        routes.MapGet("/approvals/{instance_code}", Instance);
        routes.MapPost("/approvals/{instance_code}/act", ActAsync);
    }

    private static IResult List(ApprovalStore store)
    {
        var state = store.State;
        var body = new StringBuilder("<h1>Approvals</h1><h2>Definitions</h2><table><tr><th>Name</th><th>Code</th><th>Nodes</th></tr>");
        var rows = store.Read(() =>
        {
            foreach (var definition in store.Definitions.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                body.Append("<tr><td>").Append(Html.Encode(definition.Name)).Append("</td><td><code>").Append(Html.Encode(definition.Code)).Append("</code></td><td>")
                    .Append(Html.Encode(string.Join(" → ", definition.Nodes.Select(n => $"{n.Name} ({n.NodeType})")))).Append("</td></tr>");
            }

            body.Append("</table><h2>Instances</h2><table><tr><th>Approval</th><th>Serial</th><th>Submitter</th><th>Status</th></tr>");
            var instances = store.Instances.OrderByDescending(i => i.StartTime).ToList();
            foreach (var instance in instances)
            {
                body.Append("<tr><td><a href=\"/approvals/").Append(Uri.EscapeDataString(instance.Code)).Append("\">").Append(Html.Encode(instance.Title ?? store.Definition(instance.ApprovalCode).Name))
                    .Append("</a></td><td>").Append(Html.Encode(instance.SerialNumber)).Append("</td><td>").Append(Html.Encode(NameOf(state, instance.ApplicantOpenId)))
                    .Append("</td><td><span class=\"status\">").Append(Html.Encode(StatusText(instance))).Append("</span></td></tr>");
            }

            return instances.Count;
        });
        if (rows == 0)
        {
            body.Append("<tr><td colspan=\"4\" class=\"meta\">No instances yet: create one with POST /open-apis/approval/v4/instances.</td></tr>");
        }

        return Page("Approvals", body.Append("</table>").ToString());
    }

    private static IResult Instance([FromRoute(Name = "instance_code")] string code, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? error, ApprovalStore store)
    {
        var state = store.State;
        var html = store.Read(() =>
        {
            if (store.FindInstance(code) is not { } instance)
            {
                return null;
            }

            var definition = store.Definition(instance.ApprovalCode);
            var body = new StringBuilder("<h1>").Append(Html.Encode(instance.Title ?? definition.Name)).Append("</h1><p class=\"meta\">")
                .Append(Html.Encode($"{instance.SerialNumber} · submitted by {NameOf(state, instance.ApplicantOpenId)} · ")).Append("<span class=\"status\">").Append(Html.Encode(StatusText(instance))).Append("</span></p>");
            if (error is not null)
            {
                body.Append("<div class=\"flash flash-error\" role=\"alert\">").Append(Html.Encode(error)).Append("</div>");
            }

            var actors = state.Users.Where(u => !u.IsResigned).OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
            var actingOpenId = actingAs is null ? null : state.FindUserByAnyOpenId(actingAs)?.OpenId;
            var current = actors.FirstOrDefault(u => u.OpenId == actingOpenId)
                ?? actors.FirstOrDefault(u => instance.Tasks.Exists(t => t.Status == ApprovalStatus.Pending && t.OpenId == u.OpenId))
                ?? actors.FirstOrDefault();
            AppendActingAs(body, instance, actors, current);
            AppendForm(body, state, instance.Widgets.Count > 0 ? instance.Widgets : definition.Widgets, instance.Form);
            AppendActions(body, instance, current);
            AppendTasks(body, state, instance);
            AppendTimeline(body, state, instance);
            AppendComments(body, state, instance);
            return body.ToString();
        });
        return html is null
            ? Results.Content(WebEndpoints.Layout("Not found", "<h1>Approval instance not found</h1>"), "text/html; charset=utf-8", Encoding.UTF8, 404)
            : Page("Approval", html);
    }

    private static void AppendActingAs(StringBuilder body, ApprovalInstance instance, List<EmulatorUser> actors, EmulatorUser? current)
    {
        body.Append("<form class=\"acting\" method=\"get\" action=\"/approvals/").Append(Uri.EscapeDataString(instance.Code)).Append("\"><label>Acting as <select name=\"as\">");
        foreach (var user in actors)
        {
            body.Append("<option value=\"").Append(Html.Encode(user.OpenId)).Append('"').Append(user == current ? " selected" : string.Empty).Append('>').Append(Html.Encode(user.Name)).Append("</option>");
        }

        body.Append("</select></label> <button type=\"submit\">Switch</button></form>");
    }

    /// <summary>
    /// The form as the approval app shows it: each widget's label (the definition's text, not its id) beside its value,
    /// choices by their option texts, people and departments by name, amounts with their currency.
    /// </summary>
    private static void AppendForm(StringBuilder body, EmulatorState state, IReadOnlyList<FormWidget> widgets, string form)
    {
        body.Append("<h2>Form</h2>");
        using var document = JsonDocument.Parse(form);
        AppendFormValues(body, state, widgets, document.RootElement);
    }

    private static void AppendFormValues(StringBuilder body, EmulatorState state, IReadOnlyList<FormWidget> widgets, JsonElement entries)
    {
        body.Append("<table class=\"form-values\">");
        foreach (var entry in entries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
        {
            var id = JsonRead.Str(entry, "id");
            var widget = widgets.FirstOrDefault(w => w.Id == id || w.CustomId == id);
            var type = widget?.Type ?? JsonRead.Str(entry, "type") ?? string.Empty;
            body.Append("<tr><th>").Append(Html.Encode(widget?.Name ?? id)).Append("</th><td>");
            if (!entry.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                body.Append("—");
            }
            else if (type == "fieldList" && value.ValueKind == JsonValueKind.Array)
            {
                // A detail list: one small table per row (its widgets are not in the definition the emulator keeps).
                foreach (var row in value.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Array))
                {
                    AppendFormValues(body, state, [], row);
                }
            }
            else
            {
                var text = Display(state, widget, type, value);
                if (JsonRead.Str(entry, "currency") is { } currency)
                {
                    text += " " + currency;
                }

                body.Append(Html.Encode(text));
            }

            body.Append("</td></tr>");
        }

        body.Append("</table>");
    }

    /// <summary>A value as text by its widget's type (radioV2 ≡ radio, checkboxV2 ≡ checkbox); anything else unknown as compact JSON.</summary>
    private static string Display(EmulatorState state, FormWidget? widget, string type, JsonElement value)
    {
        var family = type.EndsWith("V2", StringComparison.Ordinal) ? type[..^2] : type;
        return (family, value.ValueKind) switch
        {
            ("radio" or "checkbox", JsonValueKind.String) => OptionText(widget, value.GetString()!),
            ("contact", JsonValueKind.Array) => JoinStrings(value, id => state.FindUser("user_id", id)?.Name ?? state.FindUserByAnyOpenId(id)?.Name ?? id),
            ("department", JsonValueKind.Array) => string.Join(", ", value.EnumerateArray().Select(d => JsonRead.Str(d, "open_id") is { } od
                ? state.Departments.FirstOrDefault(x => x.OpenDepartmentId == od || x.DepartmentId == od)?.Name ?? od
                : d.GetRawText())),
            ("dateInterval", JsonValueKind.Object) => $"{JsonRead.Str(value, "start")} – {JsonRead.Str(value, "end")}",
            ("telephone", JsonValueKind.Object) => $"{JsonRead.Str(value, "countryCode")} {JsonRead.Str(value, "nationalNumber")}".Trim(),
            ("document", JsonValueKind.Object) => JsonRead.Str(value, "title") ?? JsonRead.Str(value, "token") ?? value.GetRawText(),
            (_, JsonValueKind.Array) => JoinStrings(value, item => family is "radio" or "checkbox" ? OptionText(widget, item) : item),
            (_, JsonValueKind.String) => value.GetString()!,
            _ => value.GetRawText(),
        };
    }

    private static string OptionText(FormWidget? widget, string value) => widget?.Options.FirstOrDefault(o => o.Value == value)?.Text ?? value;

    private static string JoinStrings(JsonElement array, Func<string, string> text) =>
        string.Join(", ", array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? text(item.GetString()!) : item.GetRawText()));

    /// <summary>Approve/reject for the current user's pending task, and a comment box for anyone.</summary>
    private static void AppendActions(StringBuilder body, ApprovalInstance instance, EmulatorUser? current)
    {
        if (current is null)
        {
            return;
        }

        var action = "/approvals/" + Uri.EscapeDataString(instance.Code) + "/act";
        foreach (var task in instance.Tasks.Where(t => t.Status == ApprovalStatus.Pending && t.OpenId == current.OpenId))
        {
            body.Append("<form class=\"say approval-task\" method=\"post\" action=\"").Append(action).Append("\"><p><strong>").Append(Html.Encode(task.NodeName))
                .Append("</strong> is waiting for you.</p><input type=\"hidden\" name=\"operator\" value=\"").Append(Html.Encode(current.OpenId))
                .Append("\"><input type=\"hidden\" name=\"task_id\" value=\"").Append(Html.Encode(task.Id))
                .Append("\"><textarea name=\"comment\" rows=\"2\" cols=\"60\" placeholder=\"Comment (optional)\"></textarea><br>")
                .Append("<button class=\"btn btn-primary\" type=\"submit\" name=\"action\" value=\"approve\">Approve</button>")
                .Append("<button class=\"btn btn-danger\" type=\"submit\" name=\"action\" value=\"reject\">Reject</button></form>");
        }

        body.Append("<form class=\"say\" method=\"post\" action=\"").Append(action).Append("\"><input type=\"hidden\" name=\"operator\" value=\"").Append(Html.Encode(current.OpenId))
            .Append("\"><textarea name=\"comment\" rows=\"2\" cols=\"60\" placeholder=\"Write a comment\"></textarea><br><button class=\"btn\" type=\"submit\" name=\"action\" value=\"comment\">Comment as ")
            .Append(Html.Encode(current.Name)).Append("</button></form>");
    }

    private static void AppendTasks(StringBuilder body, EmulatorState state, ApprovalInstance instance)
    {
        body.Append("<h2>Tasks</h2><table><tr><th>Node</th><th>Approver</th><th>Type</th><th>Status</th></tr>");
        foreach (var task in instance.Tasks)
        {
            body.Append("<tr><td>").Append(Html.Encode(task.NodeName)).Append("</td><td>").Append(Html.Encode(NameOf(state, task.OpenId))).Append("</td><td>")
                .Append(Html.Encode(task.Type)).Append("</td><td>").Append(Html.Encode(task.Status)).Append("</td></tr>");
        }

        body.Append("</table>");
    }

    private static void AppendTimeline(StringBuilder body, EmulatorState state, ApprovalInstance instance)
    {
        body.Append("<h2>Timeline</h2><ol class=\"timeline\">");
        foreach (var entry in instance.Timeline)
        {
            body.Append("<li><span class=\"tag\">").Append(Html.Encode(entry.Type)).Append("</span> ").Append(Html.Encode(entry.OpenId is null ? string.Empty : NameOf(state, entry.OpenId)))
                .Append(" <span class=\"meta\">").Append(Html.Encode(Time(entry.CreateTime))).Append("</span>");
            if (entry.Comment is { Length: > 0 } comment)
            {
                body.Append("<br>").Append(Html.Encode(comment));
            }

            body.Append("</li>");
        }

        body.Append("</ol>");
    }

    private static void AppendComments(StringBuilder body, EmulatorState state, ApprovalInstance instance)
    {
        body.Append("<h2>Comments</h2>");
        foreach (var comment in instance.Comments.Where(c => !c.Deleted))
        {
            body.Append("<div class=\"msg comment\"><span class=\"sender\">").Append(Html.Encode(NameOf(state, comment.OpenId))).Append("</span> <span class=\"meta\">")
                .Append(Html.Encode(Time(comment.CreateTime))).Append("</span><div>").Append(Html.Encode(ApprovalWire.CommentText(comment.Content))).Append("</div></div>");
        }
    }

    private static async Task<IResult> ActAsync(HttpContext context, [FromRoute(Name = "instance_code")] string code, ApprovalStore store)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = store.State.FindUserByAnyOpenId(form["operator"].ToString());
        var action = form["action"].ToString();
        var comment = form["comment"].ToString();
        if (user is null || action is not ("approve" or "reject" or "comment"))
        {
            return Results.BadRequest();
        }

        var page = "/approvals/" + Uri.EscapeDataString(code) + "?as=" + Uri.EscapeDataString(user.OpenId);
        try
        {
            store.Change(tx =>
            {
                var instance = store.Instance(code);
                if (action == "comment")
                {
                    if (comment.Trim().Length == 0)
                    {
                        throw ApiErrorException.BadRequest(ErrorCodes.ApprovalInvalidParameter, "write a comment first");
                    }

                    ApprovalActions.Comment(store, instance, user.OpenId, JsonSerializer.Serialize(new { text = comment, files = Array.Empty<object>() }), null, tx.Now);
                    return true;
                }

                var task = ApprovalActions.PendingTaskOf(instance, form["task_id"].ToString(), user.OpenId);
                var note = comment.Length == 0 ? null : comment;
                if (action == "approve")
                {
                    tx.Approve(instance, task, note);
                }
                else
                {
                    tx.Reject(instance, task, note);
                }

                return true;
            });
        }
        catch (ApiErrorException e)
        {
            return Results.Content(WebEndpoints.Layout("Approval action refused", "<h1>Approval action refused</h1><p>" + Html.Encode(e.Message) + "</p><p><a href=\"" + Html.Encode(page) + "\">Back</a></p>"), "text/html; charset=utf-8", Encoding.UTF8, e.HttpStatus);
        }

        return Results.Redirect(page);
    }

    private static string StatusText(ApprovalInstance instance) => instance.Reverted ? instance.Status + " (reverted)" : instance.Status;

    private static string NameOf(EmulatorState state, string openId) => state.FindUser("open_id", openId)?.Name ?? openId;

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static IResult Page(string title, string body) => Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8);
}
