using System.Text.Json.Serialization;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Contact;

// The directory's users and departments as the contact v3 API returns them, read straight from the wire (snake_case):
// which fields are present depends on the app's field scopes, so everything but the ids and names may be null or empty.
// The generated deserializer sets every init-only property, absent ones to null: the setters of the non-nullable ones
// turn that null into "" or an empty list.

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
/// <param name="IsExited">Has exited (left) the tenant; becomes resigned after a while.</param>
/// <param name="IsUnjoin">Invited but has not joined yet.</param>
public sealed record ContactUserStatus(bool IsFrozen, bool IsResigned, bool IsActivated, bool IsExited, bool IsUnjoin);

/// <summary>A directory user (contact v3 <c>user</c>). Ids of other users and of departments are of the requested id types.</summary>
public sealed record ContactUser
{
    /// <summary>The user's open_id for this app ("" when the scope hides it).</summary>
    public string OpenId { get; init => field = value ?? ""; } = "";

    /// <summary>The union_id (the same across the developer's apps).</summary>
    public string? UnionId { get; init; }

    /// <summary>The tenant's user_id; needs <c>contact:user.employee_id:readonly</c>. Administrators can change it, and reuse a deleted user's.</summary>
    public string? UserId { get; init; }

    /// <summary>The display name ("" when the scope hides it).</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>The English name.</summary>
    public string? EnName { get; init; }

    /// <summary>The nickname.</summary>
    public string? Nickname { get; init; }

    /// <summary>The email; needs <c>contact:user.email:readonly</c>.</summary>
    public string? Email { get; init; }

    /// <summary>The enterprise mailbox.</summary>
    public string? EnterpriseEmail { get; init; }

    /// <summary>The mobile; needs <c>contact:user.phone:readonly</c>.</summary>
    public string? Mobile { get; init; }

    /// <summary>Whether colleagues may see the mobile.</summary>
    public bool? MobileVisible { get; init; }

    /// <summary>The gender; needs <c>contact:user.gender:readonly</c>.</summary>
    public ContactGender? Gender { get; init; }

    /// <summary>Avatar URLs.</summary>
    public ContactAvatar? Avatar { get; init; }

    /// <summary>The account status.</summary>
    public ContactUserStatus? Status { get; init; }

    /// <summary>The departments the user belongs to.</summary>
    public IReadOnlyList<string> DepartmentIds { get; init => field = value ?? []; } = [];

    /// <summary>The direct manager.</summary>
    public string? LeaderUserId { get; init; }

    /// <summary>Dotted-line managers.</summary>
    public IReadOnlyList<string> DottedLineLeaderUserIds { get; init => field = value ?? []; } = [];

    /// <summary>The work city.</summary>
    public string? City { get; init; }

    /// <summary>The country or region code.</summary>
    public string? Country { get; init; }

    /// <summary>The work station.</summary>
    public string? WorkStation { get; init; }

    /// <summary>When the user joined (<c>join_time</c>, Unix seconds on the wire).</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? JoinTime { get; init; }

    /// <summary>Whether the user is a tenant super administrator.</summary>
    public bool? IsTenantManager { get; init; }

    /// <summary>The employee number.</summary>
    public string? EmployeeNo { get; init; }

    /// <summary>1 regular, 2 intern, 3 outsourcing, 4 labour, 5 consultant, or a tenant's own type.</summary>
    public int? EmployeeType { get; init; }

    /// <summary>The job title.</summary>
    public string? JobTitle { get; init; }

    /// <summary>The job level id.</summary>
    public string? JobLevelId { get; init; }

    /// <summary>The job family id.</summary>
    public string? JobFamilyId { get; init; }

    /// <summary>Where the user's data resides.</summary>
    public string? Geo { get; init; }

    /// <summary>The user's order within each of their departments.</summary>
    public IReadOnlyList<ContactUserOrder> Orders { get; init => field = value ?? []; } = [];

    /// <summary>The tenant's custom fields, when the administrator opened them to the API.</summary>
    public IReadOnlyList<ContactCustomAttr> CustomAttrs { get; init => field = value ?? []; } = [];

    /// <summary>The paths of the user's departments; only with a user token and <c>contact:user.department_path:readonly</c>.</summary>
    public IReadOnlyList<ContactDepartmentPath> DepartmentPath { get; init => field = value ?? []; } = [];

    /// <summary>The seats (licences) assigned to the user.</summary>
    public IReadOnlyList<string> SubscriptionIds { get; init => field = value ?? []; } = [];

    /// <summary>The seats assigned to the user, described.</summary>
    public IReadOnlyList<ContactSeat> AssignInfo { get; init => field = value ?? []; } = [];

    /// <summary>Has left, been suspended, or never joined: messages to them go nowhere.</summary>
    [JsonIgnore]
    public bool IsInactive => Status is { } s && (s.IsResigned || s.IsExited || s.IsFrozen || s.IsUnjoin);
}

/// <summary>A user's gender (contact v3 <c>gender</c>).</summary>
public enum ContactGender
{
    /// <summary>Not disclosed.</summary>
    Undisclosed = 0,

    /// <summary>Male.</summary>
    Male = 1,

    /// <summary>Female.</summary>
    Female = 2,

    /// <summary>Other.</summary>
    Other = 3,
}

/// <summary>Avatar URLs by size.</summary>
public sealed record ContactAvatar
{
    /// <summary>72×72.</summary>
    [JsonPropertyName("avatar_72")]
    public string? Avatar72 { get; init; }

    /// <summary>240×240.</summary>
    [JsonPropertyName("avatar_240")]
    public string? Avatar240 { get; init; }

    /// <summary>640×640.</summary>
    [JsonPropertyName("avatar_640")]
    public string? Avatar640 { get; init; }

    /// <summary>The original.</summary>
    public string? AvatarOrigin { get; init; }
}

/// <summary>A user's order in one department.</summary>
public sealed record ContactUserOrder
{
    /// <summary>The department.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The user's order among the department's members (larger first).</summary>
    public int? UserOrder { get; init; }

    /// <summary>This department's order among the user's departments (larger first).</summary>
    public int? DepartmentOrder { get; init; }

    /// <summary>Whether this is the user's primary department.</summary>
    public bool? IsPrimaryDept { get; init; }
}

/// <summary>One custom field of a user.</summary>
public sealed record ContactCustomAttr
{
    /// <summary><c>TEXT</c>, <c>HREF</c>, <c>ENUMERATION</c>, <c>PICTURE_ENUM</c> or <c>GENERIC_USER</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The field's id.</summary>
    public string? Id { get; init; }

    /// <summary>The field's value; which members are set depends on <see cref="Type"/>.</summary>
    public ContactCustomAttrValue? Value { get; init; }
}

/// <summary>The value of a custom field.</summary>
public sealed record ContactCustomAttrValue
{
    /// <summary>TEXT: the text.</summary>
    public string? Text { get; init; }

    /// <summary>HREF: the default URL.</summary>
    public string? Url { get; init; }

    /// <summary>HREF: the desktop URL.</summary>
    public string? PcUrl { get; init; }

    /// <summary>ENUMERATION / PICTURE_ENUM: the option's id.</summary>
    public string? OptionId { get; init; }

    /// <summary>ENUMERATION / PICTURE_ENUM: the option's value.</summary>
    public string? OptionValue { get; init; }

    /// <summary>PICTURE_ENUM: the picture's name.</summary>
    public string? Name { get; init; }

    /// <summary>PICTURE_ENUM: the picture's URL.</summary>
    public string? PictureUrl { get; init; }

    /// <summary>GENERIC_USER: the referenced user.</summary>
    public ContactGenericUser? GenericUser { get; init; }
}

/// <summary>A user referenced by a custom field.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Type">The kind of reference (1: a user).</param>
public sealed record ContactGenericUser(string? Id, int? Type);

/// <summary>Names in the three languages the directory keeps.</summary>
public sealed record ContactI18nName
{
    /// <summary>Chinese.</summary>
    public string? ZhCn { get; init; }

    /// <summary>Japanese.</summary>
    public string? JaJp { get; init; }

    /// <summary>English.</summary>
    public string? EnUs { get; init; }
}

/// <summary>One of a user's departments with its path from the root.</summary>
public sealed record ContactDepartmentPath
{
    /// <summary>The department.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The department's name.</summary>
    public ContactPathName? DepartmentName { get; init; }

    /// <summary>The ids and names along the path.</summary>
    public ContactPathIds? DepartmentPath { get; init; }
}

/// <summary>A name with its translations.</summary>
public sealed record ContactPathName
{
    /// <summary>The name.</summary>
    public string? Name { get; init; }

    /// <summary>Its translations.</summary>
    public ContactI18nName? I18nName { get; init; }
}

/// <summary>The departments along a path.</summary>
public sealed record ContactPathIds
{
    /// <summary>The ids along the path.</summary>
    public IReadOnlyList<string> DepartmentIds { get; init => field = value ?? []; } = [];

    /// <summary>The path's name.</summary>
    public ContactPathName? DepartmentPathName { get; init; }
}

/// <summary>A seat (licence) assigned to a user.</summary>
public sealed record ContactSeat
{
    /// <summary>The seat's id.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The licence plan.</summary>
    public string? LicensePlanKey { get; init; }

    /// <summary>The product's name.</summary>
    public string? ProductName { get; init; }

    /// <summary>The product's name in each language.</summary>
    public ContactI18nName? I18nName { get; init; }

    /// <summary>When the seat starts (Unix seconds, a string on the wire).</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the seat ends.</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? EndTime { get; init; }
}

/// <summary>A directory department (contact v3 <c>department</c>).</summary>
public sealed record ContactDepartment
{
    /// <summary>The open department id (<c>od-…</c>).</summary>
    public string OpenDepartmentId { get; init => field = value ?? ""; } = "";

    /// <summary>The tenant's custom department id, when returned.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The department's name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>The name in each language.</summary>
    public ContactI18nName? I18nName { get; init; }

    /// <summary>The parent, of the requested id kind (<c>0</c>: the root).</summary>
    public string? ParentDepartmentId { get; init; }

    /// <summary>The department's manager.</summary>
    public string? LeaderUserId { get; init; }

    /// <summary>The department's group chat.</summary>
    public string? ChatId { get; init; }

    /// <summary>The order among its siblings, smaller first (a numeric string on the wire).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Order { get; init; }

    /// <summary>The custom ids of the units it is bound to (at most one today).</summary>
    public IReadOnlyList<string> UnitIds { get; init => field = value ?? []; } = [];

    /// <summary>Users in it and below it, leaders included.</summary>
    public int? MemberCount { get; init; }

    /// <summary>Users in it and below it whose primary department it is.</summary>
    public int? PrimaryMemberCount { get; init; }

    /// <summary>The department's status.</summary>
    public ContactDepartmentStatus? Status { get; init; }

    /// <summary>The department's leaders.</summary>
    public IReadOnlyList<ContactDepartmentLeader> Leaders { get; init => field = value ?? []; } = [];

    /// <summary>Which employee types may join the department's group chat.</summary>
    public IReadOnlyList<int> GroupChatEmployeeTypes { get; init => field = value ?? []; } = [];

    /// <summary>The department's HR business partners.</summary>
    public IReadOnlyList<string> DepartmentHrbps { get; init => field = value ?? []; } = [];

    /// <summary>Deleted departments may still be listed.</summary>
    [JsonIgnore]
    public bool IsDeleted => Status?.IsDeleted ?? false;
}

/// <summary>A department's status.</summary>
/// <param name="IsDeleted">Whether it was deleted.</param>
public sealed record ContactDepartmentStatus(bool IsDeleted);

/// <summary>A department leader (the wire names are camelCase: <c>leaderType</c>, <c>leaderID</c>).</summary>
public sealed record ContactDepartmentLeader
{
    /// <summary>1 the main leader, 2 a deputy.</summary>
    [JsonPropertyName("leaderType")]
    public int? LeaderType { get; init; }

    /// <summary>The leader's user id.</summary>
    [JsonPropertyName("leaderID")]
    public string? LeaderId { get; init; }
}

/// <summary>What the app's contact scope holds (<c>GET /open-apis/contact/v3/scopes</c>).</summary>
/// <param name="Kind">A user, a department or a user group.</param>
/// <param name="Id">Its id, of the requested id type for users and departments.</param>
public sealed record ContactScopeEntry(ContactScopeKind Kind, string Id);

/// <summary>The kind of a <see cref="ContactScopeEntry"/>.</summary>
public enum ContactScopeKind
{
    /// <summary>A user (<c>user_ids</c>).</summary>
    User,

    /// <summary>A department (<c>department_ids</c>): with an all-members scope, the first-level departments.</summary>
    Department,

    /// <summary>A user group (<c>group_ids</c>).</summary>
    Group,
}

/// <summary>How a department is named.</summary>
public enum DepartmentIdType
{
    /// <summary>The open department id (<c>od-…</c>), the platform's default.</summary>
    OpenDepartmentId,

    /// <summary>The tenant's custom department id (the root is <c>0</c>).</summary>
    DepartmentId,
}
