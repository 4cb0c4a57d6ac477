using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// <c>GET /open-apis/contact/v3/scopes</c>: the caller's contact scope as granted — listed departments (not expanded) and
/// users; with the all-members scope the first-level departments and the users in no department. A page (1–100, default
/// 50) is filled with users first, then departments, then user groups (the Emulator has none).
/// </summary>
internal static class ContactScopeEndpoints
{
    public static void MapContactScopeEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/open-apis/contact/v3/scopes").AsOpenApi().MapGet("", Scopes);

    private static IResult Scopes(HttpContext context, EmulatorState state)
    {
        var rules = ContactScopeRules.For(context, state);
        var views = new ContactViews(state, rules.App, ContactRequest.UserIdType(context.Request), ContactRequest.DepartmentIdType(context.Request));
        var pageSize = ContactRequest.PageSize(context.Request, 50, 100);
        var (departments, users) = Granted(state, rules.App.ContactScope);

        var entries = users.Select(u => new ScopeEntry("u:" + u.OpenId, UserId: views.UserId(u), DepartmentId: null))
            .Concat(departments.Select(d => new ScopeEntry("d:" + d.OpenDepartmentId, UserId: null, DepartmentId: views.DepartmentId(d.OpenDepartmentId))))
            .ToList();
        var page = Paging.Slice(entries, e => e.Key, false, ContactRequest.PageToken(context.Request), pageSize, "scopes", ErrorCodes.ContactPageTokenInvalid);
        return Envelope.Ok(new
        {
            department_ids = page.Items.Where(e => e.DepartmentId is not null).Select(e => e.DepartmentId).ToList(),
            user_ids = page.Items.Where(e => e.UserId is not null).Select(e => e.UserId).ToList(),
            group_ids = Array.Empty<string>(),
            has_more = page.HasMore,
            page_token = page.PageToken,
        });
    }

    /// <summary>The scope as granted (all members: first-level departments and root users), in grant order.</summary>
    public static (IReadOnlyList<EmulatorDepartment> Departments, IReadOnlyList<EmulatorUser> Users) Granted(EmulatorState state, ContactScope? scope)
    {
        if (scope is not { AllMembers: false })
        {
            return (state.ChildDepartments(EmulatorState.RootDepartmentId), [.. state.DepartmentMembers(EmulatorState.RootDepartmentId).Where(u => !u.IsResigned)]);
        }

        return ([.. scope.DepartmentIds.Select(id => state.FindDepartment("open_department_id", id)).OfType<EmulatorDepartment>()],
            [.. scope.UserIds.Select(id => state.FindUser("open_id", id)).OfType<EmulatorUser>()]);
    }

    private sealed record ScopeEntry(string Key, string? UserId, string? DepartmentId);
}
