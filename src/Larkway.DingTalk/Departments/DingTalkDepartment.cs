using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Departments;

/// <summary>
/// A department as <c>topapi/v2/department/listsub</c> (the base fields) and <c>topapi/v2/department/get</c> (all of
/// them) describe it. The root department's id is 1 and it has no parent.
/// </summary>
public sealed record DingTalkDepartment
{
    /// <summary>The department id (<c>dept_id</c>).</summary>
    [JsonPropertyName("dept_id")]
    public long Id { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The parent's id; null for the root.</summary>
    [JsonPropertyName("parent_id")]
    public long? ParentId { get; init; }

    /// <summary>The order among its siblings (get only).</summary>
    [JsonPropertyName("order")]
    public long? Order { get; init; }

    /// <summary>The managers' userids (get only; empty from listsub).</summary>
    [JsonPropertyName("dept_manager_userid_list")]
    public IReadOnlyList<string> ManagerUserIds { get; init; } = [];

    /// <summary>The tenant's own identifier of the department, when set.</summary>
    [JsonPropertyName("source_identifier")]
    public string? SourceIdentifier { get; init; }

    /// <summary>Whether the department has a department group chat.</summary>
    [JsonPropertyName("create_dept_group")]
    public bool CreateDepartmentGroup { get; init; }

    /// <summary>Whether the department comes from an associated organisation (关联组织).</summary>
    [JsonPropertyName("from_union_org")]
    public bool FromUnionOrg { get; init; }
}

/// <summary>The app's contact scope (<c>GET /auth/scopes</c>): what it may read of the organisation.</summary>
/// <param name="DepartmentIds">The departments granted, each with everything below it (<c>[1]</c>: the whole organisation).</param>
/// <param name="UserIds">The people granted one by one.</param>
/// <param name="UserFields">The user fields the app may read (<c>auth_user_field</c>).</param>
public sealed record DingTalkContactScope(IReadOnlyList<long> DepartmentIds, IReadOnlyList<string> UserIds, IReadOnlyList<string> UserFields);
