using Larkway.Feishu.Contact;
using Larkway.Hub.Directory;

namespace Larkway.Hub.Feishu.Directory;

/// <summary>
/// Feishu's users and departments in the directory's terms (its neutral <see cref="DirectoryUser"/> and
/// <see cref="DirectoryDepartment"/>): one mapping, from the contact client's model, for the sync's source
/// (<see cref="FeishuDirectorySource"/>) and the contact events (<see cref="FeishuDirectoryEvents"/>, which turns an event's
/// user or department into that model first: <see cref="FeishuContactEvents"/>).
/// </summary>
internal static class FeishuContactMapping
{
    /// <summary>A user as the contact API or a contact event (<see cref="FeishuContactEvents"/>) showed them; null without an open_id.</summary>
    public static DirectoryUser? Of(ContactUser user) => user.OpenId.Length == 0 ? null : new DirectoryUser(user.OpenId)
    {
        UnionId = Shown(user.UnionId),
        UserId = Shown(user.UserId),
        Name = Shown(user.Name),
        EnName = user.EnName,
        Email = user.Email,
        EnterpriseEmail = user.EnterpriseEmail,
        Mobile = user.Mobile,
        EmployeeNo = user.EmployeeNo,
        AvatarUrl = user.Avatar?.Avatar240 ?? user.Avatar?.AvatarOrigin,
        LeaderId = user.LeaderUserId,

        // An absent list reads as empty; everyone is in at least one department (the root is "0"), so empty means "not shown".
        DepartmentIds = user.DepartmentIds.Count == 0 ? null : user.DepartmentIds,
        Status = user.Status is { } s ? DirectoryRules.StatusOf(s.IsFrozen, s.IsResigned || s.IsExited) : null,
    };

    /// <summary>
    /// A user an update event carried: its <c>object</c>, with the fields <paramref name="old"/> (<c>old_object</c>, whole
    /// or only the changed fields) shows with another value named as changed.
    /// </summary>
    public static DirectoryUser? OfUpdate(ContactUser user, ContactUser? old)
    {
        if (Of(user) is not { } after || old is null)
        {
            return Of(user);
        }

        var before = Of(old with { OpenId = user.OpenId })!;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        void Compare(string field, object? was, object? now) => NoteChange(changed, field, was, now);

        Compare("union_id", before.UnionId, after.UnionId);
        Compare("user_id", before.UserId, after.UserId);
        Compare("name", before.Name, after.Name);
        Compare("en_name", before.EnName, after.EnName);
        Compare(DirectoryRules.Email, before.Email, after.Email);
        Compare("enterprise_email", before.EnterpriseEmail, after.EnterpriseEmail);
        Compare(DirectoryRules.Mobile, before.Mobile, after.Mobile);
        Compare("employee_no", before.EmployeeNo, after.EmployeeNo);
        Compare("avatar_url", before.AvatarUrl, after.AvatarUrl);
        Compare("leader", before.LeaderId, after.LeaderId);
        Compare(DirectoryRules.Status, before.Status, after.Status);
        if (before.DepartmentIds is { } departments && !departments.SequenceEqual(user.DepartmentIds, StringComparer.Ordinal))
        {
            changed.Add(DirectoryRules.Departments);
        }

        return after with { Changed = changed };
    }

    /// <summary>A department as the contact API or a contact event showed it; null without an open_department_id.</summary>
    public static DirectoryDepartment? Of(ContactDepartment department) =>
        department.OpenDepartmentId.Length == 0 ? null : new DirectoryDepartment(department.OpenDepartmentId)
        {
            // Asked by open_department_id, some answers repeat it as department_id: only a different value is the custom id.
            CustomId = department.DepartmentId == department.OpenDepartmentId ? null : Shown(department.DepartmentId),
            Name = Shown(department.Name),
            ParentId = Shown(department.ParentDepartmentId),
            LeaderId = department.LeaderUserId,
            Order = department.Order,
            Deleted = department.IsDeleted,
        };

    /// <summary>A department an update event carried, with the fields its <c>old_object</c> shows with another value named as changed.</summary>
    public static DirectoryDepartment? OfUpdate(ContactDepartment department, ContactDepartment? old)
    {
        if (Of(department) is not { } after || old is null)
        {
            return Of(department);
        }

        var before = Of(old with { OpenDepartmentId = department.OpenDepartmentId })!;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        void Compare(string field, object? was, object? now) => NoteChange(changed, field, was, now);

        Compare("department_id", before.CustomId, after.CustomId);
        Compare("name", before.Name, after.Name);
        Compare("parent_id", before.ParentId, after.ParentId);
        Compare("leader", before.LeaderId, after.LeaderId);
        Compare("order", before.Order, after.Order);
        return after with { Changed = changed };
    }

    /// <summary>Names <paramref name="field"/> as changed when the old read shows it with another value.</summary>
    private static void NoteChange(HashSet<string> changed, string field, object? was, object? now)
    {
        if (was is not null && !Equals(was, now))
        {
            changed.Add(field);
        }
    }

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
