namespace Larkway.Feishu.Events.Models.Contact;

/// <summary>A department as carried by contact.department.*_v3 events.</summary>
public sealed record ContactDepartment
{
    public string? Name { get; init; }

    public string? ParentDepartmentId { get; init; }

    public string? DepartmentId { get; init; }

    public string? OpenDepartmentId { get; init; }

    public string? LeaderUserId { get; init; }

    public string? ChatId { get; init; }

    public int? Order { get; init; }

    public IReadOnlyList<string>? UnitIds { get; init; }

    public ContactDepartmentStatus? Status { get; init; }

    public IReadOnlyList<ContactDepartmentLeader>? Leaders { get; init; }

    public IReadOnlyList<UserIds>? DepartmentHrbps { get; init; }
}

/// <summary>Department status.</summary>
public sealed record ContactDepartmentStatus
{
    public bool? IsDeleted { get; init; }
}

/// <summary>A department leader.</summary>
public sealed record ContactDepartmentLeader
{
    public int? LeaderType { get; init; }

    public string? LeaderId { get; init; }
}
