using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Contact v3 user routes (reference §9), filtered by the caller's contact scope (<see cref="ContactScopeRules"/>) and
/// field scopes (<see cref="ContactViews"/>): get one user, a batch of up to 50 (repeated <c>user_ids=</c>), a department's
/// direct members (<c>find_by_department</c>, page 1–50, default 10; resigned users left out), the older list, and
/// <c>batch_get_id</c> (emails and mobiles to ids; one entry per input, emails first; a resigned user only with
/// <c>include_resigned</c>). Tenant token only; rate-limited like every Open API route.
/// </summary>
internal static class ContactUserEndpoints
{
    private const int Invalid = ErrorCodes.ContactInvalidParameter;
    private const int MaxPerList = 50;

    public static void MapContactUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/open-apis/contact/v3/users").AsOpenApi();
        users.MapPost("batch_get_id", BatchGetIdAsync);
        users.MapGet("find_by_department", FindByDepartment);
        users.MapGet("batch", Batch);
        users.MapGet("", List);
        users.MapGet("{user_id}", Get);
    }

    private static IResult Get(HttpContext context, EmulatorState state, [FromRoute(Name = "user_id")] string userId)
    {
        var (rules, views) = Read(context, state);
        var user = rules.RequireUser(ContactRequest.UserIdType(context.Request), userId);
        return Envelope.Ok(new { user = views.User(user) });
    }

    /// <summary>Users the app cannot see (or that do not exist) are left out; the rest come in request order.</summary>
    private static IResult Batch(HttpContext context, EmulatorState state)
    {
        var (rules, views) = Read(context, state);
        var idType = ContactRequest.UserIdType(context.Request);
        var users = ContactRequest.Repeated(context.Request, "user_ids", MaxPerList)
            .Select(id => rules.FindVisibleUser(idType, id))
            .OfType<EmulatorUser>()
            .DistinctBy(u => u.OpenId)
            .Select(u => (JsonNode)views.User(u));
        return Envelope.Ok(new { items = new JsonArray([.. users]) });
    }

    private static IResult FindByDepartment(HttpContext context, EmulatorState state)
    {
        var departmentId = ContactRequest.Required(context.Request, "department_id", "the root department is 0");
        return MembersPage(context, state, departmentId, ContactRequest.PageSize(context.Request, 10, 50));
    }

    /// <summary>The older list: a department's direct members, or without <c>department_id</c> every user the app may see.</summary>
    private static IResult List(HttpContext context, EmulatorState state)
    {
        var pageSize = ContactRequest.PageSize(context.Request, 20, 100);
        if (context.Request.Query("department_id") is { } departmentId)
        {
            return MembersPage(context, state, departmentId, pageSize);
        }

        var (rules, views) = Read(context, state);
        var visible = state.Users.Where(u => !u.IsResigned && rules.Sees(u)).OrderBy(u => u.OpenId, StringComparer.Ordinal).ToList();
        return UsersPage(context, views, visible, pageSize, "users:all");
    }

    private static IResult MembersPage(HttpContext context, EmulatorState state, string departmentId, int pageSize)
    {
        var (rules, views) = Read(context, state);
        var department = rules.RequireDepartment(ContactRequest.DepartmentIdType(context.Request), departmentId);
        var openDepartmentId = department?.OpenDepartmentId ?? EmulatorState.RootDepartmentId;

        // The root ("0") holds the users in no other department; members come sorted by home open_id (the index's order).
        var members = state.DepartmentMembers(openDepartmentId).Where(u => !u.IsResigned).ToList();
        return UsersPage(context, views, members, pageSize, "dept-users:" + openDepartmentId);
    }

    private static IResult UsersPage(HttpContext context, ContactViews views, IReadOnlyList<EmulatorUser> sorted, int pageSize, string listing)
    {
        var page = Paging.Slice(sorted, u => u.OpenId, false, ContactRequest.PageToken(context.Request), pageSize, listing, ErrorCodes.ContactPageTokenInvalid);
        return Envelope.Ok(new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            items = new JsonArray([.. page.Items.Select(u => (JsonNode)views.User(u))]),
        });
    }

    private static (ContactScopeRules Rules, ContactViews Views) Read(HttpContext context, EmulatorState state)
    {
        var rules = ContactScopeRules.For(context, state);
        return (rules, new ContactViews(state, rules.App, ContactRequest.UserIdType(context.Request), ContactRequest.DepartmentIdType(context.Request)));
    }

    private static async Task<IResult> BatchGetIdAsync(HttpContext context, EmulatorState state)
    {
        var idType = ContactRequest.UserIdType(context.Request);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var emails = ReadList(body, "emails");
        var mobiles = ReadList(body, "mobiles");
        var includeResigned = body.OptionalBool("include_resigned", Invalid) ?? false;
        if (emails.Count + mobiles.Count == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "invalid request: emails and mobiles are both empty; give at least one email or mobile");
        }

        // Users outside the contact scope are "not found" here, as for any other id the app may not see.
        var rules = ContactScopeRules.For(context, state);
        var ids = context.CallerIds(state);
        var entries = new List<UserIdEntry>(emails.Count + mobiles.Count);
        entries.AddRange(emails.Select(email => Entry(ids, rules, state.FindUser("email", email), idType, includeResigned) with { Email = email }));
        entries.AddRange(mobiles.Select(mobile => Entry(ids, rules, state.FindUser("mobile", mobile), idType, includeResigned) with { Mobile = mobile }));
        return Envelope.Ok(new { user_list = entries });
    }

    private static IReadOnlyList<string> ReadList(System.Text.Json.JsonElement body, string name)
    {
        var list = body.OptionalStringArray(name, Invalid) ?? [];
        if (list.Count > MaxPerList)
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name} has {list.Count} items; at most {MaxPerList} per request, split the list");
        }

        var blank = list.ToList().FindIndex(string.IsNullOrWhiteSpace);
        return blank < 0 ? list : throw ApiErrorException.BadRequest(Invalid, $"invalid request: {name}[{blank}] is empty; remove it or give a value");
    }

    private static UserIdEntry Entry(AppUserIds ids, ContactScopeRules rules, EmulatorUser? user, string idType, bool includeResigned)
    {
        if (user is null || (user.IsResigned && !includeResigned) || !rules.Sees(user))
        {
            return new UserIdEntry(null, null, null, null);
        }

        return new UserIdEntry(ids.Of(user.OpenId, idType), null, null, ContactViews.Status(user));
    }

    // Null members are left out of the JSON (EmulatorJson ignores nulls): absent, not "".
    private sealed record UserIdEntry(string? UserId, string? Email, string? Mobile, JsonObject? Status);
}
