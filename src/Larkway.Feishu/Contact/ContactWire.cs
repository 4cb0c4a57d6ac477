namespace Larkway.Feishu.Contact;

// Wire shapes of the contact endpoints (snake_case through FeishuJsonContext). Users and departments are read straight
// into their public records; these are the envelopes' data objects around them.

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

    public ContactUserStatus? Status { get; set; }

    public UserIdLookup ToModel() => new(NullIfEmpty(Email), NullIfEmpty(Mobile), NullIfEmpty(UserId), Status);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary><c>data</c> of <c>GET …/users/{user_id}</c>.</summary>
internal sealed class ContactUserData
{
    public ContactUser? User { get; set; }
}

/// <summary><c>data</c> of <c>GET …/departments/{department_id}</c>.</summary>
internal sealed class ContactDepartmentData
{
    public ContactDepartment? Department { get; set; }
}

/// <summary><c>data</c> of <c>GET …/scopes</c>: one page holds users first, then departments, then groups.</summary>
internal sealed class ContactScopeData
{
    public List<string>? UserIds { get; set; }

    public List<string>? DepartmentIds { get; set; }

    public List<string>? GroupIds { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }

    public FeishuPage<ContactScopeEntry> ToPage() => new(
        [
            .. (UserIds ?? []).Select(id => new ContactScopeEntry(ContactScopeKind.User, id)),
            .. (DepartmentIds ?? []).Select(id => new ContactScopeEntry(ContactScopeKind.Department, id)),
            .. (GroupIds ?? []).Select(id => new ContactScopeEntry(ContactScopeKind.Group, id)),
        ],
        HasMore ? PageToken : null,
        HasMore);
}
