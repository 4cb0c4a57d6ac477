using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.Users;

/// <summary>
/// A member as <c>/cgi-bin/user/get</c> returns it. Sensitive fields (mobile, email, avatar…) are empty for apps created
/// after 2022-06-20 unless the member authorised them.
/// </summary>
public sealed record WeComUser
{
    /// <summary>The member's userid.</summary>
    [JsonPropertyName("userid")] public string UserId { get; init; } = "";

    /// <summary>The name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>The departments' ids.</summary>
    [JsonPropertyName("department")] public IReadOnlyList<long>? Department { get; init; }

    /// <summary>The main department's id.</summary>
    [JsonPropertyName("main_department")] public long? MainDepartment { get; init; }

    /// <summary>The position.</summary>
    [JsonPropertyName("position")] public string? Position { get; init; }

    /// <summary>The mobile number (sensitive).</summary>
    [JsonPropertyName("mobile")] public string? Mobile { get; init; }

    /// <summary>The email (sensitive).</summary>
    [JsonPropertyName("email")] public string? Email { get; init; }

    /// <summary>The corp email (sensitive).</summary>
    [JsonPropertyName("biz_mail")] public string? BizMail { get; init; }

    /// <summary>1 active, 2 disabled, 4 not yet active, 5 left the corp.</summary>
    [JsonPropertyName("status")] public int? Status { get; init; }

    /// <summary>Whether the member leads each of <see cref="Department"/> (1) or not (0).</summary>
    [JsonPropertyName("is_leader_in_dept")] public IReadOnlyList<int>? IsLeaderInDept { get; init; }

    /// <summary>The member's leaders' userids.</summary>
    [JsonPropertyName("direct_leader")] public IReadOnlyList<string>? DirectLeader { get; init; }

    /// <summary>The avatar's URL (sensitive).</summary>
    [JsonPropertyName("avatar")] public string? Avatar { get; init; }

    /// <summary>The alias.</summary>
    [JsonPropertyName("alias")] public string? Alias { get; init; }

    /// <summary>The corp-wide open userid (for third-party apps).</summary>
    [JsonPropertyName("open_userid")] public string? OpenUserId { get; init; }

    /// <summary>Everything else WeCom returned.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A member as a department's list (<c>user/simplelist</c>) gives it.</summary>
public sealed record WeComUserBrief(
    [property: JsonPropertyName("userid")] string UserId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("department")] IReadOnlyList<long>? Department,
    [property: JsonPropertyName("open_userid")] string? OpenUserId);

/// <summary>One member–department pair of <c>user/list_id</c> (a member in two departments appears twice).</summary>
public sealed record WeComDepartmentUser(
    [property: JsonPropertyName("userid")] string UserId,
    [property: JsonPropertyName("department")] long Department);
