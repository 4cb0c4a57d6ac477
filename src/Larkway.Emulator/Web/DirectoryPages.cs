using System.Globalization;
using System.Text;
using Larkway.Emulator.Api.Control;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// The directory as an administrator sees it (<c>/directory</c>): the department tree, a department's members 50 at a time,
/// and plain forms to hire, edit, freeze, resign and rehire users, add and delete departments and set an app's contact scope.
/// No script; every post goes through <see cref="DirectoryEditor"/> (so it fires the same contact events as the control
/// API), a cross-site post is refused, and the outcome comes back as a notice on the page.
/// </summary>
internal static class DirectoryPages
{
    private const int PageSize = 50;

    public static void MapDirectoryPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/directory", Directory);
        routes.MapPost("/directory/users", (HttpContext context, EmulatorState state) => PostAsync(context, state, (editor, form) =>
        {
            var user = editor.CreateUser(Fields(form));
            return ("Hired " + user.Name, user.DepartmentIds.FirstOrDefault());
        }));
        routes.MapPost("/directory/edit", (HttpContext context, EmulatorState state) => PostAsync(context, state, (editor, form) =>
        {
            var user = editor.UpdateUser(editor.RequireUser(Text(form, "user") ?? throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "name the user to edit (user_id, email or open_id)")), Fields(form));
            return ("Saved " + user.Name, user.DepartmentIds.FirstOrDefault());
        }));
        routes.MapPost("/directory/users/{user}/{action}", (HttpContext context, [FromRoute(Name = "user")] string userRef, [FromRoute(Name = "action")] string action, EmulatorState state) =>
            PostAsync(context, state, (editor, form) =>
            {
                var user = editor.RequireUser(userRef);
                var updated = action switch
                {
                    "edit" => editor.UpdateUser(user, Fields(form)),
                    "freeze" => editor.Freeze(user, frozen: true),
                    "unfreeze" => editor.Freeze(user, frozen: false),
                    "resign" => editor.Resign(user),
                    "rehire" => editor.Rehire(user, null),
                    _ => throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"unknown action '{action}'"),
                };
                return ($"{updated.Name}: {action} done", updated.DepartmentIds.FirstOrDefault());
            }));
        routes.MapPost("/directory/departments", (HttpContext context, EmulatorState state) => PostAsync(context, state, (editor, form) =>
        {
            var department = editor.CreateDepartment(new DepartmentFields { Name = Text(form, "name"), DepartmentId = Text(form, "department_id"), Parent = Text(form, "parent") ?? EmulatorState.RootDepartmentId });
            return ("Created " + department.Name, department.OpenDepartmentId);
        }));
        routes.MapPost("/directory/departments/{department}/delete", (HttpContext context, [FromRoute(Name = "department")] string departmentRef, EmulatorState state) =>
            PostAsync(context, state, (editor, _) =>
            {
                var department = editor.DeleteDepartment(editor.RequireDepartment(departmentRef));
                return ("Deleted " + department.Name, null);
            }));
        routes.MapPost("/directory/apps/{app_id}/scope", (HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state) =>
            PostAsync(context, state, (editor, form) =>
            {
                var all = form["all_members"].ToString() == "on";
                editor.SetScope(appId, all, all ? [] : [.. form["departments"].Select(d => d!)], []);
                return ($"Contact scope of {appId} set", null);
            }));
    }

    private static IResult Directory(HttpContext context, EmulatorState state)
    {
        var query = context.Request.Query;
        var selected = query["department"].ToString() is { Length: > 0 } id && id != EmulatorState.RootDepartmentId ? state.FindDepartment("open_department_id", id) : null;
        var openId = selected?.OpenDepartmentId ?? EmulatorState.RootDepartmentId;
        var page = int.TryParse(query["page"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;

        var body = new StringBuilder("<h1>Directory</h1>");
        if (query["notice"].ToString() is { Length: > 0 } notice)
        {
            var error = query["error"].ToString() == "1";
            body.Append("<div class=\"flash ").Append(error ? "flash-error" : "flash-success").Append("\" role=\"status\">").Append(Html.Encode(notice)).Append("</div>");
        }

        body.Append("<div class=\"directory\"><nav class=\"tree\"><h2>Departments</h2>");
        AppendTree(body, state, EmulatorState.RootDepartmentId, openId);
        body.Append("</nav><section>");
        AppendMembers(body, state, selected, page);
        body.Append("</section></div>");
        AppendForms(body, state, selected);
        return Results.Content(WebEndpoints.Layout("Directory", body.ToString(), wide: true), "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static void AppendTree(StringBuilder body, EmulatorState state, string parent, string selected)
    {
        if (parent == EmulatorState.RootDepartmentId)
        {
            body.Append("<ul><li>").Append(Link(state.Tenant.Name + " (no department)", EmulatorState.RootDepartmentId, selected == parent)).Append("</li></ul>");
        }

        var children = state.ChildDepartments(parent).OrderBy(d => d.Order).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        if (children.Count == 0)
        {
            return;
        }

        body.Append("<ul>");
        foreach (var child in children)
        {
            body.Append("<li>").Append(Link($"{child.Name} ({state.MemberCount(child.OpenDepartmentId).ToString(CultureInfo.InvariantCulture)})", child.OpenDepartmentId, selected == child.OpenDepartmentId));
            AppendTree(body, state, child.OpenDepartmentId, selected);
            body.Append("</li>");
        }

        body.Append("</ul>");
    }

    private static string Link(string text, string departmentId, bool current) =>
        $"<a href=\"/directory?department={Uri.EscapeDataString(departmentId)}\"{(current ? " class=\"current\"" : string.Empty)}>{Html.Encode(text)}</a>";

    private static void AppendMembers(StringBuilder body, EmulatorState state, EmulatorDepartment? department, int page)
    {
        var members = state.DepartmentMembers(department?.OpenDepartmentId ?? EmulatorState.RootDepartmentId).OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        var pages = Math.Max(1, (members.Count + PageSize - 1) / PageSize);
        body.Append("<h2>").Append(Html.Encode(department?.Name ?? "Users in no department")).Append("</h2><p class=\"meta\">");
        if (department is not null)
        {
            body.Append("department_id ").Append(Html.Encode(department.DepartmentId)).Append(" · ").Append(Html.Encode(department.OpenDepartmentId)).Append(" · ");
        }

        body.Append(members.Count.ToString(CultureInfo.InvariantCulture)).Append(" direct members</p>");
        body.Append("<table class=\"people\"><tr><th>Name</th><th>user_id</th><th>Email</th><th>Mobile</th><th>Status</th><th></th></tr>");
        foreach (var user in members.Skip((page - 1) * PageSize).Take(PageSize))
        {
            body.Append("<tr><td>").Append(Html.Encode(user.Name)).Append("</td><td>").Append(Html.Encode(user.UserId)).Append("</td><td>").Append(Html.Encode(user.Email ?? string.Empty))
                .Append("</td><td>").Append(Html.Encode(user.Mobile ?? string.Empty)).Append("</td><td>").Append(Html.Encode(StatusText(user))).Append("</td><td class=\"actions\">");
            foreach (var action in ActionsFor(user))
            {
                body.Append("<form class=\"card-action\" method=\"post\" action=\"/directory/users/").Append(Uri.EscapeDataString(user.UserId)).Append('/').Append(action)
                    .Append("\"><button class=\"btn\" type=\"submit\">").Append(action).Append("</button></form>");
            }

            body.Append("</td></tr>");
        }

        body.Append("</table>");
        if (pages > 1)
        {
            var id = Uri.EscapeDataString(department?.OpenDepartmentId ?? EmulatorState.RootDepartmentId);
            body.Append("<p class=\"meta\">Page ").Append(page.ToString(CultureInfo.InvariantCulture)).Append(" of ").Append(pages.ToString(CultureInfo.InvariantCulture));
            if (page > 1)
            {
                body.Append(" · <a href=\"/directory?department=").Append(id).Append("&amp;page=").Append((page - 1).ToString(CultureInfo.InvariantCulture)).Append("\">previous</a>");
            }

            if (page < pages)
            {
                body.Append(" · <a href=\"/directory?department=").Append(id).Append("&amp;page=").Append((page + 1).ToString(CultureInfo.InvariantCulture)).Append("\">next</a>");
            }

            body.Append("</p>");
        }
    }

    private static void AppendForms(StringBuilder body, EmulatorState state, EmulatorDepartment? selected)
    {
        var departments = state.DescendantDepartments(EmulatorState.RootDepartmentId);
        body.Append("<h2>Hire a user</h2><form class=\"say\" method=\"post\" action=\"/directory/users\">")
            .Append(Input("name", "Name")).Append(Input("email", "Email")).Append(Input("mobile", "Mobile")).Append(Input("user_id", "user_id"))
            .Append(DepartmentSelect("department", departments, selected, allowRoot: true)).Append("<button class=\"btn btn-primary\" type=\"submit\">Hire</button></form>");

        body.Append("<h2>Edit a user</h2><p class=\"meta\">Name the user by user_id, email or open_id; empty fields stay as they are. A new mobile and a new email arrive as two events.</p>")
            .Append("<form class=\"say\" method=\"post\" action=\"/directory/edit\">").Append(Input("user", "User"))
            .Append(Input("email", "New email")).Append(Input("mobile", "New mobile")).Append(Input("user_id", "New user_id"))
            .Append("<label>Move to <select name=\"department\"><option value=\"\">(keep)</option><option value=\"0\">(none)</option>");
        foreach (var department in departments)
        {
            body.Append("<option value=\"").Append(Html.Encode(department.OpenDepartmentId)).Append("\">").Append(Html.Encode(department.Name)).Append("</option>");
        }

        body.Append("</select></label> <button class=\"btn btn-primary\" type=\"submit\">Save</button></form>");
        body.Append("<h2>Add a department</h2><form class=\"say\" method=\"post\" action=\"/directory/departments\">")
            .Append(Input("name", "Name")).Append(Input("department_id", "department_id"))
            .Append("<label>Parent ").Append(DepartmentSelect("parent", departments, selected, allowRoot: true, bare: true)).Append("</label>")
            .Append("<button class=\"btn btn-primary\" type=\"submit\">Add</button></form>");
        if (selected is not null)
        {
            body.Append("<form class=\"say\" method=\"post\" action=\"/directory/departments/").Append(Uri.EscapeDataString(selected.OpenDepartmentId))
                .Append("/delete\"><button class=\"btn btn-danger\" type=\"submit\">Delete ").Append(Html.Encode(selected.Name)).Append("</button> <span class=\"meta\">(only when empty)</span></form>");
        }

        body.Append("<h2>Contact scope</h2>");
        foreach (var app in state.Apps)
        {
            var scope = app.ContactScope;
            body.Append("<form class=\"say\" method=\"post\" action=\"/directory/apps/").Append(Uri.EscapeDataString(app.AppId)).Append("/scope\"><strong>")
                .Append(Html.Encode(app.BotName)).Append("</strong> <span class=\"meta\">").Append(Html.Encode(app.AppId)).Append("</span><br><label><input type=\"checkbox\" name=\"all_members\"")
                .Append(scope is null ? " checked" : string.Empty).Append("> All members</label> <label>or departments <select name=\"departments\" multiple size=\"4\">");
            foreach (var department in departments)
            {
                var chosen = scope?.DepartmentIds.Contains(department.OpenDepartmentId, StringComparer.Ordinal) == true;
                body.Append("<option value=\"").Append(Html.Encode(department.OpenDepartmentId)).Append('"').Append(chosen ? " selected" : string.Empty).Append('>').Append(Html.Encode(department.Name)).Append("</option>");
            }

            body.Append("</select></label> <button class=\"btn\" type=\"submit\">Set scope</button></form>");
        }
    }

    private static string Input(string name, string label) =>
        $"<label>{Html.Encode(label)} <input name=\"{name}\" size=\"16\"></label> ";

    private static string DepartmentSelect(string name, IReadOnlyList<EmulatorDepartment> departments, EmulatorDepartment? selected, bool allowRoot, bool bare = false)
    {
        var html = new StringBuilder(bare ? string.Empty : "<label>Department ").Append("<select name=\"").Append(name).Append("\">");
        if (allowRoot)
        {
            html.Append("<option value=\"0\">(none)</option>");
        }

        foreach (var department in departments)
        {
            html.Append("<option value=\"").Append(Html.Encode(department.OpenDepartmentId)).Append('"').Append(department == selected ? " selected" : string.Empty).Append('>').Append(Html.Encode(department.Name)).Append("</option>");
        }

        return html.Append("</select>").Append(bare ? string.Empty : "</label> ").ToString();
    }

    private static IEnumerable<string> ActionsFor(EmulatorUser user) =>
        user.IsResigned ? ["rehire"] : [user.IsFrozen ? "unfreeze" : "freeze", "resign"];

    private static string StatusText(EmulatorUser user) =>
        user.IsResigned ? "resigned" : user.IsFrozen ? "frozen" : user.IsActivated ? "active" : "invited";

    private static UserFields Fields(IFormCollection form) => new()
    {
        Name = Text(form, "name"),
        Email = Text(form, "email"),
        Mobile = Text(form, "mobile"),
        UserId = Text(form, "user_id"),
        Departments = Text(form, "department") switch { null => null, EmulatorState.RootDepartmentId => [], var department => [department] },
    };

    private static string? Text(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>Applies one form post and comes back to the page with its outcome (or the refusal) as a notice.</summary>
    private static async Task<IResult> PostAsync(HttpContext context, EmulatorState state, Func<DirectoryEditor, IFormCollection, (string Notice, string? Department)> apply)
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
        string notice, query;
        try
        {
            var (text, department) = apply(new DirectoryEditor(state), form);
            (notice, query) = (text, department is null ? string.Empty : "&department=" + Uri.EscapeDataString(department));
        }
        catch (ApiErrorException e)
        {
            (notice, query) = (e.Message, "&error=1");
        }

        return Results.Redirect("/directory?notice=" + Uri.EscapeDataString(notice) + query, permanent: false, preserveMethod: false);
    }
}
