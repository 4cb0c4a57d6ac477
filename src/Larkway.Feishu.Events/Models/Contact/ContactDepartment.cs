using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Contact;

/// <summary>
/// A department as carried by contact.department.*_v3 events (where <c>order</c> is a number and the HRBPs are id
/// objects) and by contact.scope.updated_v3 (where <c>order</c> is a numeric string and member counts are given).
/// Department ids in events are open_department_ids unless stated.
/// </summary>
public sealed record ContactDepartment
{
    public string? Name { get; init; }

    /// <summary>The name in each language (scope events).</summary>
    public ContactI18nName? I18nName { get; init; }

    /// <summary>The parent's open_department_id (<c>0</c>: the root).</summary>
    public string? ParentDepartmentId { get; init; }

    /// <summary>The tenant's custom id.</summary>
    public string? DepartmentId { get; init; }

    public string? OpenDepartmentId { get; init; }

    /// <summary>The manager's open_id.</summary>
    public string? LeaderUserId { get; init; }

    /// <summary>The department's group chat.</summary>
    public string? ChatId { get; init; }

    /// <summary>The order among its siblings, smaller first (a number, or a numeric string in scope events).</summary>
    public long? Order { get; init; }

    public IReadOnlyList<string>? UnitIds { get; init; }

    /// <summary>Users in it and below it (scope events).</summary>
    public int? MemberCount { get; init; }

    /// <summary>Users in it and below it whose primary department it is (scope events).</summary>
    public int? PrimaryMemberCount { get; init; }

    public ContactDepartmentStatus? Status { get; init; }

    public IReadOnlyList<ContactDepartmentLeader>? Leaders { get; init; }

    /// <summary>Which employee types may join the department's chat (scope events).</summary>
    public IReadOnlyList<int>? GroupChatEmployeeTypes { get; init; }

    /// <summary>The HR business partners (department events).</summary>
    public IReadOnlyList<UserIds>? DepartmentHrbps { get; init; }
}

/// <summary>Department status.</summary>
public sealed record ContactDepartmentStatus
{
    public bool? IsDeleted { get; init; }
}

/// <summary>A department leader; the wire names are camelCase (<c>leaderType</c>, <c>leaderID</c>).</summary>
public sealed record ContactDepartmentLeader
{
    /// <summary>1 the main leader, 2 a deputy.</summary>
    [JsonPropertyName("leaderType")]
    public int? LeaderType { get; init; }

    /// <summary>The leader's open_id.</summary>
    [JsonPropertyName("leaderID")]
    public string? LeaderId { get; init; }
}

/// <summary>A name in the directory's three languages.</summary>
public sealed record ContactI18nName
{
    public string? ZhCn { get; init; }

    public string? JaJp { get; init; }

    public string? EnUs { get; init; }
}

/// <summary>A user group (contact.scope.updated_v3).</summary>
public sealed record ContactUserGroup
{
    /// <summary>The group's custom id.</summary>
    public string? UserGroupId { get; init; }

    public string? Name { get; init; }

    /// <summary>The kind of group.</summary>
    public int? Type { get; init; }

    public int? MemberCount { get; init; }

    /// <summary>The group's status.</summary>
    public int? Status { get; init; }
}
