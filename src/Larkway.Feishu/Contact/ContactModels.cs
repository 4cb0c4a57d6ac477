namespace Larkway.Feishu.Contact;

/// <summary>One input of an id lookup and what the platform answered for it.</summary>
/// <param name="Email">The email looked up (as sent), or null for a mobile.</param>
/// <param name="Mobile">The mobile looked up (as sent), or null for an email.</param>
/// <param name="UserId">The user's id of the requested type, or null when none was returned.</param>
/// <param name="Status">The user's account status, when the platform gave it.</param>
public sealed record UserIdLookup(string? Email, string? Mobile, string? UserId, ContactUserStatus? Status)
{
    /// <summary>True when the platform returned an id.</summary>
    public bool Found => UserId is not null;
}

/// <summary>A directory user's account status (contact v3 <c>status</c>).</summary>
/// <param name="IsFrozen">Suspended by an administrator.</param>
/// <param name="IsResigned">Has left the organisation.</param>
/// <param name="IsActivated">Has activated the account.</param>
/// <param name="IsExited">Has exited (left) the tenant.</param>
/// <param name="IsUnjoin">Invited but has not joined yet.</param>
public sealed record ContactUserStatus(bool IsFrozen, bool IsResigned, bool IsActivated, bool IsExited, bool IsUnjoin);

/// <summary>A directory user as the contact API lists them (fields depend on the app's contact scopes).</summary>
/// <param name="OpenId">The user's open_id for this app ("" when the scope hides it).</param>
/// <param name="UnionId">The union_id, when returned.</param>
/// <param name="UserId">The tenant's user_id, when returned (needs its field scope).</param>
/// <param name="Name">The display name.</param>
/// <param name="Email">The email, when returned (needs its field scope).</param>
/// <param name="Mobile">The mobile, when returned (needs its field scope).</param>
/// <param name="Status">The account status, when returned.</param>
/// <param name="DepartmentIds">The departments the user belongs to, of the requested id type.</param>
public sealed record ContactUser(
    string OpenId, string? UnionId, string? UserId, string Name, string? Email, string? Mobile, ContactUserStatus? Status, IReadOnlyList<string> DepartmentIds)
{
    /// <summary>Has left, been suspended, or never joined: messages to them go nowhere.</summary>
    public bool IsInactive => Status is { } s && (s.IsResigned || s.IsExited || s.IsFrozen || s.IsUnjoin);
}

/// <summary>A directory department as the contact API lists it.</summary>
/// <param name="OpenDepartmentId">The open department id (<c>od-…</c>).</param>
/// <param name="DepartmentId">The id of the requested kind, when returned.</param>
/// <param name="Name">The department's name.</param>
/// <param name="ParentDepartmentId">The parent, of the requested id kind (<c>0</c>: the root), when returned.</param>
/// <param name="IsDeleted">Deleted departments may still be listed.</param>
public sealed record ContactDepartment(string OpenDepartmentId, string? DepartmentId, string Name, string? ParentDepartmentId, bool IsDeleted);

/// <summary>How a department is named.</summary>
public enum DepartmentIdType
{
    /// <summary>The open department id (<c>od-…</c>), the platform's default.</summary>
    OpenDepartmentId,

    /// <summary>The tenant's custom department id (the root is <c>0</c>).</summary>
    DepartmentId,
}
