using System.Text.Json;
using Larkway.Emulator.Api.Contact;
using Larkway.Emulator.Platform;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for the directory (docs/emulator.md, "Contact"): users hired, edited, frozen, resigned and rehired;
/// departments created, renamed, moved and deleted; an app's contact scope and field scopes; a large generated directory.
/// Every edit but the generated directory fires the contact events Feishu would. Users are named by any app's open_id,
/// user_id, email or union_id; departments by department_id or open_department_id. Not part of Feishu.
/// </summary>
internal static class ContactControlEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapContactControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var contact = routes.MapGroup("/_emulator/contact");
        contact.MapPost("users", CreateUserAsync);
        contact.MapGet("users/{user}", (HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state) => UserView(state, new DirectoryEditor(state).RequireUser(user)));
        contact.MapPatch("users/{user}", UpdateUserAsync);
        contact.MapDelete("users/{user}", (HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state) => Edit(state, user, (editor, u) => editor.Resign(u)));
        contact.MapPost("users/{user}/freeze", (HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state) => Edit(state, user, (editor, u) => editor.Freeze(u, frozen: true)));
        contact.MapPost("users/{user}/unfreeze", (HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state) => Edit(state, user, (editor, u) => editor.Freeze(u, frozen: false)));
        contact.MapPost("users/{user}/rehire", RehireAsync);
        contact.MapPost("departments", CreateDepartmentAsync);
        contact.MapPatch("departments/{department}", UpdateDepartmentAsync);
        contact.MapDelete("departments/{department}", (HttpContext context, [FromRoute(Name = "department")] string department, EmulatorState state) =>
        {
            var editor = new DirectoryEditor(state);
            return DepartmentView(editor.DeleteDepartment(editor.RequireDepartment(department)));
        });
        contact.MapPost("generate", GenerateAsync);
        routes.MapPut("/_emulator/apps/{app_id}/contact-scope", PutScopeAsync);
        routes.MapPut("/_emulator/apps/{app_id}/contact-fields", PutFieldsAsync);
    }

    private static async Task<IResult> CreateUserAsync(HttpContext context, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        return UserView(state, new DirectoryEditor(state).CreateUser(ReadUser(body)));
    }

    private static async Task<IResult> UpdateUserAsync(HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var fields = ReadUser(body);
        return Edit(state, user, (editor, u) => editor.UpdateUser(u, fields));
    }

    private static async Task<IResult> RehireAsync(HttpContext context, [FromRoute(Name = "user")] string user, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var departments = body.ValueKind == JsonValueKind.Object ? body.OptionalStringArray("department_ids", Invalid) : null;
        return Edit(state, user, (editor, u) => editor.Rehire(u, departments));
    }

    private static IResult Edit(EmulatorState state, string reference, Func<DirectoryEditor, EmulatorUser, EmulatorUser> edit)
    {
        var editor = new DirectoryEditor(state);
        return UserView(state, edit(editor, editor.RequireUser(reference)));
    }

    private static async Task<IResult> CreateDepartmentAsync(HttpContext context, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        return DepartmentView(new DirectoryEditor(state).CreateDepartment(ReadDepartment(body)));
    }

    private static async Task<IResult> UpdateDepartmentAsync(HttpContext context, [FromRoute(Name = "department")] string department, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var editor = new DirectoryEditor(state);
        return DepartmentView(editor.UpdateDepartment(editor.RequireDepartment(department), ReadDepartment(body)));
    }

    /// <summary><c>{"all_members": true}</c>, or <c>{"departments": [...], "users": [...]}</c>.</summary>
    private static async Task<IResult> PutScopeAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var all = body.OptionalBool("all_members", Invalid) ?? false;
        var departments = body.OptionalStringArray("departments", Invalid) ?? [];
        var users = body.OptionalStringArray("users", Invalid) ?? [];
        if (all && departments.Count + users.Count > 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "give all_members: true, or departments and users, not both");
        }

        var app = new DirectoryEditor(state).SetScope(appId, all, departments, users);
        return Envelope.Ok(new { contact_scope = ScopeView(app.ContactScope) });
    }

    /// <summary><c>{"scopes": [...]}</c> grants those field scopes only; <c>{"scopes": null}</c> grants all of them again.</summary>
    private static async Task<IResult> PutFieldsAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        if (!body.TryGetProperty("scopes", out _))
        {
            throw ApiErrorException.BadRequest(Invalid, "scopes is required: a list of contact field scopes, or null for all of them");
        }

        var scopes = body.OptionalStringArray("scopes", Invalid);
        if (scopes?.FirstOrDefault(s => !ContactFieldScopes.All.Contains(s, StringComparer.Ordinal)) is { } unknown)
        {
            throw ApiErrorException.BadRequest(Invalid, $"unknown field scope '{unknown}'; known: {string.Join(", ", ContactFieldScopes.All)}");
        }

        if (state.FindApp(appId) is null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"unknown app_id '{appId}'");
        }

        var app = state.SetContactFieldScopes(appId, scopes);
        return Envelope.Ok(new { field_scopes = app.ContactFieldScopes ?? ContactFieldScopes.All });
    }

    /// <summary><c>{"users": 10000, "departments": 300, "prefix": "bench"}</c>: see <see cref="DirectoryGenerator"/>.</summary>
    private static async Task<IResult> GenerateAsync(HttpContext context, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var users = body.OptionalInt("users", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "users is required (how many users to make)");
        var departments = body.OptionalInt("departments", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "departments is required (how many departments to make)");
        try
        {
            var result = DirectoryGenerator.Generate(state, users, departments, body.OptionalString("prefix", Invalid) ?? "gen");
            return Envelope.Ok(new { users = result.Users, departments = result.Departments, first_level_department_ids = result.FirstLevel });
        }
        catch (ArgumentException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }
    }

    private static UserFields ReadUser(JsonElement body) => new()
    {
        Name = body.OptionalString("name", Invalid),
        Email = body.OptionalString("email", Invalid),
        Mobile = body.OptionalString("mobile", Invalid),
        UserId = body.OptionalString("user_id", Invalid),
        EnName = body.OptionalString("en_name", Invalid),
        EnterpriseEmail = body.OptionalString("enterprise_email", Invalid),
        JobTitle = body.OptionalString("job_title", Invalid),
        EmployeeNo = body.OptionalString("employee_no", Invalid),
        EmployeeType = body.OptionalInt("employee_type", Invalid),
        JoinTime = body.OptionalInt("join_time", Invalid),
        City = body.OptionalString("city", Invalid),
        Country = body.OptionalString("country", Invalid),
        Gender = body.OptionalInt("gender", Invalid),
        Departments = body.OptionalStringArray("department_ids", Invalid),
        Leader = body.OptionalString("leader", Invalid),
    };

    private static DepartmentFields ReadDepartment(JsonElement body) => new()
    {
        Name = body.OptionalString("name", Invalid),
        DepartmentId = body.OptionalString("department_id", Invalid),
        EnName = body.OptionalString("en_name", Invalid),
        Parent = body.OptionalString("parent", Invalid),
        Leader = body.OptionalString("leader", Invalid),
        Order = body.OptionalInt("order", Invalid),
    };


    /// <summary>The user in home ids, with the open_id each app sees.</summary>
    private static IResult UserView(EmulatorState state, EmulatorUser user) => Envelope.Ok(new
    {
        user = new
        {
            open_id = user.OpenId,
            union_id = user.UnionId,
            user_id = user.UserId,
            name = user.Name,
            email = user.Email,
            mobile = user.Mobile,
            department_ids = user.DepartmentIds,
            status = ContactViews.Status(user),
            open_ids = state.Apps.ToDictionary(a => a.AppId, a => state.OpenIdFor(a.AppId, user), StringComparer.Ordinal),
        },
    });

    private static IResult DepartmentView(EmulatorDepartment department) => Envelope.Ok(new
    {
        department = new
        {
            open_department_id = department.OpenDepartmentId,
            department_id = department.DepartmentId,
            name = department.Name,
            parent_department_id = department.ParentDepartmentId,
        },
    });

    private static object ScopeView(ContactScope? scope) => scope is null
        ? new { all_members = true, departments = Array.Empty<string>(), users = Array.Empty<string>() }
        : new { all_members = false, departments = scope.DepartmentIds.ToArray(), users = scope.UserIds.ToArray() };
}
