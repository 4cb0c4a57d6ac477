namespace Larkway.Feishu.Events.Models;

/// <summary>The ids of a user. <c>user_id</c> only arrives with the contact:user.employee_id:readonly scope.</summary>
public sealed record UserIds
{
    public string? UnionId { get; init; }

    public string? UserId { get; init; }

    public string? OpenId { get; init; }
}
