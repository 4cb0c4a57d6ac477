using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Users;

/// <summary>A member of the organisation as <c>topapi/v2/user/get</c> and <c>topapi/v2/user/list</c> describe them.</summary>
public sealed record DingTalkUser
{
    /// <summary>The user id (staff id) within the organisation.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = "";

    /// <summary>The id that is the same for this person in every app of the same developer.</summary>
    [JsonPropertyName("unionid")]
    public string? UnionId { get; init; }

    /// <summary>The display name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>The mobile number, when the app may read it.</summary>
    [JsonPropertyName("mobile")]
    public string? Mobile { get; init; }

    /// <summary>The e-mail address, when set and readable.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>The enterprise mailbox (企业邮箱), when the organisation has one for them and the app may read it.</summary>
    [JsonPropertyName("org_email")]
    public string? OrgEmail { get; init; }

    /// <summary>The job number (工号).</summary>
    [JsonPropertyName("job_number")]
    public string? JobNumber { get; init; }

    /// <summary>Whether the user manages the department listed (<c>user/list</c> only).</summary>
    [JsonPropertyName("leader")]
    public bool? Leader { get; init; }

    /// <summary>The job title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The avatar's URL.</summary>
    [JsonPropertyName("avatar")]
    public string? Avatar { get; init; }

    /// <summary>The departments the user belongs to.</summary>
    [JsonPropertyName("dept_id_list")]
    public IReadOnlyList<long> DepartmentIds { get; init; } = [];

    /// <summary>Whether the user has activated DingTalk (signed in once) — not whether they still work there: DingTalk lists only current members.</summary>
    [JsonPropertyName("active")]
    public bool Active { get; init; }
}

/// <summary>One page of a department's members.</summary>
public sealed record DingTalkUserPage(IReadOnlyList<DingTalkUser> Users, bool HasMore, long? NextCursor);
