using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Contact;

/// <summary>
/// A user as carried by contact.user.*_v3 and contact.scope.updated_v3 events. Fields appear according to the app's field
/// scopes; ids of other users are open_ids and department ids open_department_ids.
/// </summary>
public sealed record ContactUser
{
    public string? OpenId { get; init; }

    public string? UnionId { get; init; }

    public string? UserId { get; init; }

    public string? Name { get; init; }

    public string? EnName { get; init; }

    public string? Nickname { get; init; }

    public string? Email { get; init; }

    public string? EnterpriseEmail { get; init; }

    public string? JobTitle { get; init; }

    public string? Mobile { get; init; }

    /// <summary>0 unknown, 1 male, 2 female, 3 other.</summary>
    public int? Gender { get; init; }

    public ContactAvatar? Avatar { get; init; }

    public ContactUserStatus? Status { get; init; }

    public IReadOnlyList<string>? DepartmentIds { get; init; }

    public string? LeaderUserId { get; init; }

    public string? City { get; init; }

    public string? Country { get; init; }

    public string? WorkStation { get; init; }

    /// <summary>Seconds since the epoch.</summary>
    public long? JoinTime { get; init; }

    public bool? IsTenantManager { get; init; }

    public string? EmployeeNo { get; init; }

    /// <summary>1 regular, 2 intern, 3 outsourcing, 4 labor, 5 consultant.</summary>
    public int? EmployeeType { get; init; }

    public IReadOnlyList<ContactUserOrder>? Orders { get; init; }

    public string? TimeZone { get; init; }

    /// <summary>Custom attributes, kept raw.</summary>
    public JsonElement? CustomAttrs { get; init; }

    public string? JobLevelId { get; init; }

    public string? JobFamilyId { get; init; }

    public IReadOnlyList<string>? DottedLineLeaderUserIds { get; init; }

    /// <summary>Whether the user is suspended (scope events; also in <see cref="Status"/>).</summary>
    public bool? IsFrozen { get; init; }

    /// <summary>The seats assigned to the user (scope events).</summary>
    public IReadOnlyList<string>? SubscriptionIds { get; init; }
}

/// <summary>Avatar URLs.</summary>
public sealed record ContactAvatar
{
    [JsonPropertyName("avatar_72")]
    public string? Avatar72 { get; init; }

    [JsonPropertyName("avatar_240")]
    public string? Avatar240 { get; init; }

    [JsonPropertyName("avatar_640")]
    public string? Avatar640 { get; init; }

    public string? AvatarOrigin { get; init; }
}

/// <summary>Account status flags.</summary>
public sealed record ContactUserStatus
{
    public bool? IsFrozen { get; init; }

    public bool? IsResigned { get; init; }

    public bool? IsActivated { get; init; }

    public bool? IsExited { get; init; }

    public bool? IsUnjoin { get; init; }
}

/// <summary>The user's order within a department.</summary>
public sealed record ContactUserOrder
{
    public string? DepartmentId { get; init; }

    public int? UserOrder { get; init; }

    public int? DepartmentOrder { get; init; }

    public bool? IsPrimaryDept { get; init; }
}
