using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// Contact v3 user routes (reference §9). <c>POST /open-apis/contact/v3/users/batch_get_id</c> resolves
/// emails and mobiles to user ids: one <c>user_list</c> entry per input, emails first, each echoing its
/// input; <c>user_id</c> and <c>status</c> only for users found (a resigned user counts as found only with
/// <c>include_resigned</c>). <c>GET …/users/find_by_department</c> lists a department's direct members (not those of
/// its sub-departments), paged (<c>page_size</c> 1–50, default 10), resigned users left out.
/// Tenant token only; rate-limited like every Open API route (tier 4, as the page says).
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
    }

    private static IResult FindByDepartment(HttpContext context, EmulatorState state)
    {
        var idType = context.Request.Query("user_id_type") ?? "open_id";
        if (idType is not ("open_id" or "union_id" or "user_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{idType}': use open_id, union_id or user_id");
        }

        var departmentIdType = context.Request.Query("department_id_type") ?? "open_department_id";
        if (departmentIdType is not ("open_department_id" or "department_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid department_id_type '{departmentIdType}': use open_department_id or department_id");
        }

        var departmentId = context.Request.Query("department_id");
        if (string.IsNullOrWhiteSpace(departmentId))
        {
            throw ApiErrorException.BadRequest(Invalid, "invalid request: department_id is required (the root department is 0)");
        }

        var pageSize = context.Request.QueryInt("page_size", 10, 1, 50, Invalid);

        // The root ("0") holds the users in no other department; any other id must name a department.
        var openDepartmentId = departmentId == "0"
            ? "0"
            : state.Departments.FirstOrDefault(d => departmentIdType == "department_id" ? d.DepartmentId == departmentId : d.OpenDepartmentId == departmentId)?.OpenDepartmentId
                ?? throw new ApiErrorException(403, ErrorCodes.ContactNoDepartmentAuthority, $"no dept authority error: department '{departmentId}' is not in the app's contact scope");
        var members = state.Users
            .Where(u => !u.IsResigned && (openDepartmentId == "0" ? u.DepartmentIds.Count == 0 : u.DepartmentIds.Contains(openDepartmentId)))
            .OrderBy(u => u.OpenId, StringComparer.Ordinal)
            .ToList();
        var page = Paging.Slice(members, u => u.OpenId, false, context.Request.Query("page_token"), pageSize, $"dept-users:{openDepartmentId}", Invalid);
        var ids = context.CallerIds(state);
        return Envelope.Ok(new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            items = page.Items.Select(u => new DepartmentUser(
                ids.OpenId(u),
                ids.UnionId(u),
                u.UserId,
                u.Name,
                u.Email,
                u.Mobile,
                Status(u),
                departmentIdType == "department_id"
                    ? [.. u.DepartmentIds.Select(id => state.Departments.FirstOrDefault(d => d.OpenDepartmentId == id)?.DepartmentId ?? id)]
                    : u.DepartmentIds)).ToList(),
        });
    }

    private static UserStatus Status(EmulatorUser user) => new(
        IsFrozen: user.IsFrozen,
        IsResigned: user.IsResigned,
        IsActivated: user.IsActivated && !user.IsResigned,
        IsExited: false,
        IsUnjoin: !user.IsActivated && !user.IsResigned);

    private static async Task<IResult> BatchGetIdAsync(HttpContext context, EmulatorState state)
    {
        var idType = context.Request.Query("user_id_type") ?? "open_id";
        if (idType is not ("open_id" or "union_id" or "user_id"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{idType}': use open_id, union_id or user_id");
        }

        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var emails = ReadList(body, "emails");
        var mobiles = ReadList(body, "mobiles");
        var includeResigned = body.OptionalBool("include_resigned", Invalid) ?? false;
        if (emails.Count + mobiles.Count == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "invalid request: emails and mobiles are both empty; give at least one email or mobile");
        }

        var entries = new List<UserIdEntry>(emails.Count + mobiles.Count);
        var ids = context.CallerIds(state);
        entries.AddRange(emails.Select(email => Entry(ids, state.FindUser("email", email), idType, includeResigned) with { Email = email }));
        entries.AddRange(mobiles.Select(mobile => Entry(ids, state.FindUser("mobile", mobile), idType, includeResigned) with { Mobile = mobile }));
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

    private static UserIdEntry Entry(AppUserIds ids, EmulatorUser? user, string idType, bool includeResigned)
    {
        if (user is null || (user.IsResigned && !includeResigned))
        {
            return new UserIdEntry(null, null, null, null);
        }

        return new UserIdEntry(ids.Of(user.OpenId, idType), null, null, Status(user));
    }

    // Null members are left out of the JSON (EmulatorJson ignores nulls): absent, not "".
    private sealed record UserIdEntry(string? UserId, string? Email, string? Mobile, UserStatus? Status);

    private sealed record DepartmentUser(
        string OpenId, string UnionId, string UserId, string Name, string? Email, string? Mobile, UserStatus Status, IReadOnlyList<string> DepartmentIds);

    private sealed record UserStatus(bool IsFrozen, bool IsResigned, bool IsActivated, bool IsExited, bool IsUnjoin);
}
