namespace Larkway.Feishu.Contact;

// Wire shapes of the contact endpoints (snake_case through FeishuJsonContext).

internal sealed record BatchGetIdBody(List<string>? Emails, List<string>? Mobiles, bool? IncludeResigned);

internal sealed class BatchGetIdData
{
    public List<UserIdWire>? UserList { get; set; }
}

internal sealed class UserIdWire
{
    public string? UserId { get; set; }

    public string? Email { get; set; }

    public string? Mobile { get; set; }

    public UserStatusWire? Status { get; set; }

    public UserIdLookup ToModel() => new(
        NullIfEmpty(Email),
        NullIfEmpty(Mobile),
        NullIfEmpty(UserId),
        Status is { } s ? new ContactUserStatus(s.IsFrozen, s.IsResigned, s.IsActivated, s.IsExited, s.IsUnjoin) : null);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

internal sealed class UserStatusWire
{
    public bool IsFrozen { get; set; }

    public bool IsResigned { get; set; }

    public bool IsActivated { get; set; }

    public bool IsExited { get; set; }

    public bool IsUnjoin { get; set; }
}

internal sealed class ContactUserWire
{
    public string? OpenId { get; set; }

    public string? UnionId { get; set; }

    public string? UserId { get; set; }

    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Mobile { get; set; }

    public UserStatusWire? Status { get; set; }

    public List<string>? DepartmentIds { get; set; }

    public ContactUser ToModel() => new(
        OpenId ?? "",
        string.IsNullOrEmpty(UnionId) ? null : UnionId,
        string.IsNullOrEmpty(UserId) ? null : UserId,
        Name ?? "",
        string.IsNullOrEmpty(Email) ? null : Email,
        string.IsNullOrEmpty(Mobile) ? null : Mobile,
        Status is { } s ? new ContactUserStatus(s.IsFrozen, s.IsResigned, s.IsActivated, s.IsExited, s.IsUnjoin) : null,
        DepartmentIds ?? []);
}

internal sealed class DepartmentWire
{
    public string? Name { get; set; }

    public string? DepartmentId { get; set; }

    public string? OpenDepartmentId { get; set; }

    public string? ParentDepartmentId { get; set; }

    public DepartmentStatusWire? Status { get; set; }

    public ContactDepartment ToModel() => new(
        OpenDepartmentId ?? "",
        string.IsNullOrEmpty(DepartmentId) ? null : DepartmentId,
        Name ?? "",
        string.IsNullOrEmpty(ParentDepartmentId) ? null : ParentDepartmentId,
        Status?.IsDeleted ?? false);
}

internal sealed class DepartmentStatusWire
{
    public bool IsDeleted { get; set; }
}
