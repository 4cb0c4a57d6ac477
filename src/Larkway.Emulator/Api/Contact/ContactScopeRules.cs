using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// What a tenant token may read (permission-scope guide): departments of the app's contact scope and everything below them,
/// the users in them and the users listed; the root ("0") only with the all-members scope. A department outside is 40004
/// (HTTP 403, "no dept authority"); a user outside — or unknown, or another app's open_id — is 41050 (HTTP 403, "no user authority").
/// </summary>
internal sealed class ContactScopeRules(EmulatorState state, EmulatorApp app)
{
    /// <summary>The calling app as it is now (a scope changed since the token was issued applies at once).</summary>
    public static ContactScopeRules For(HttpContext context, EmulatorState state)
    {
        var caller = context.CallerApp();
        return new ContactScopeRules(state, state.FindApp(caller.AppId) ?? caller);
    }

    public EmulatorApp App => app;

    public bool AllMembers => app.ContactScope is not { AllMembers: false };

    public bool Sees(EmulatorUser user) => state.InContactScope(app, user);

    public bool Sees(EmulatorDepartment department) => state.InContactScope(app, department);

    /// <summary>
    /// The department named by <paramref name="id"/> (of <paramref name="idType"/>), or null for the root "0"; 40004 when it is
    /// unknown or outside the scope (Feishu does not tell the two apart).
    /// </summary>
    public EmulatorDepartment? RequireDepartment(string idType, string id)
    {
        if (id == EmulatorState.RootDepartmentId)
        {
            return AllMembers ? null : throw NoDepartmentAuthority(id, "the root department 0 needs the all-members contact scope");
        }

        var department = state.FindDepartment(idType, id);
        return department is not null && Sees(department)
            ? department
            : throw NoDepartmentAuthority(id, $"it does not exist ({idType}) or is outside the app's contact scope");
    }

    /// <summary>The user named by an id of <paramref name="idType"/> in this app's ids; 41050 when not visible.</summary>
    public EmulatorUser RequireUser(string idType, string id) =>
        FindVisibleUser(idType, id)
        ?? throw new ApiErrorException(403, ErrorCodes.ContactNoUserAuthority, $"no user authority error: no user with {idType} '{id}' in this app's contact scope (an open_id is per app: use the one this app ({app.AppId}) received)");

    public EmulatorUser? FindVisibleUser(string idType, string id) =>
        state.FindUser(app.AppId, idType, id) is { } user && Sees(user) ? user : null;

    private static ApiErrorException NoDepartmentAuthority(string id, string why) =>
        new(403, ErrorCodes.ContactNoDepartmentAuthority, $"no dept authority error: department '{id}': {why}");
}
