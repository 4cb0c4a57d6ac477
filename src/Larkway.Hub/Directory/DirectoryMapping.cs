using ApiDepartment = Larkway.Feishu.Contact.ContactDepartment;
using ApiUser = Larkway.Feishu.Contact.ContactUser;
using EventDepartment = Larkway.Feishu.Events.Models.Contact.ContactDepartment;
using EventUser = Larkway.Feishu.Events.Models.Contact.ContactUser;

namespace Larkway.Hub.Directory;

/// <summary>The contact API's and the contact events' users and departments in the directory's terms.</summary>
internal static class DirectoryMapping
{
    /// <summary>A user the contact API returned (ids as open_id and open_department_id).</summary>
    public static DirectoryUser FromApi(ApiUser user) => new(user.OpenId)
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
        LeaderOpenId = user.LeaderUserId,

        // The client reads an absent list as empty; everyone is in at least one department (the root is "0"), so empty means "not shown".
        DepartmentIds = user.DepartmentIds.Count == 0 ? null : user.DepartmentIds,
        Status = user.Status is { } s ? DirectoryRules.StatusOf(s.IsFrozen, s.IsResigned || s.IsExited) : null,
    };

    /// <summary>A user a contact event carried (its <c>object</c>).</summary>
    public static DirectoryUser? FromEvent(EventUser user) => string.IsNullOrEmpty(user.OpenId) ? null : new DirectoryUser(user.OpenId)
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
        LeaderOpenId = user.LeaderUserId,
        DepartmentIds = user.DepartmentIds is { Count: > 0 } d ? d : null,
        Status = user.Status is { } s
            ? DirectoryRules.StatusOf(s.IsFrozen == true || user.IsFrozen == true, s.IsResigned == true || s.IsExited == true)
            : user.IsFrozen is { } frozen ? DirectoryRules.StatusOf(frozen, resigned: false) : null,
    };

    /// <summary>
    /// A user an update event carried: its <c>object</c>, with the fields <paramref name="old"/> (<c>old_object</c>, whole
    /// or only the changed fields) shows with another value named as changed.
    /// </summary>
    public static DirectoryUser? FromUpdateEvent(EventUser user, EventUser? old)
    {
        if (FromEvent(user) is not { } after || old is null)
        {
            return FromEvent(user);
        }

        var before = FromEvent(old with { OpenId = user.OpenId })!;
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
        Compare("leader", before.LeaderOpenId, after.LeaderOpenId);
        Compare(DirectoryRules.Status, before.Status, after.Status);
        if (old.DepartmentIds is { } departments && !departments.SequenceEqual(user.DepartmentIds ?? [], StringComparer.Ordinal))
        {
            changed.Add(DirectoryRules.Departments);
        }

        return after with { Changed = changed };
    }

    /// <summary>A department an update event carried, with the fields its <c>old_object</c> shows with another value named as changed.</summary>
    public static DirectoryDepartment? FromUpdateEvent(EventDepartment department, EventDepartment? old)
    {
        if (FromEvent(department) is not { } after || old is null)
        {
            return FromEvent(department);
        }

        var before = FromEvent(old with { OpenDepartmentId = department.OpenDepartmentId })!;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        void Compare(string field, object? was, object? now) => NoteChange(changed, field, was, now);

        Compare("department_id", before.DepartmentId, after.DepartmentId);
        Compare("name", before.Name, after.Name);
        Compare("parent_id", before.ParentId, after.ParentId);
        Compare("leader", before.LeaderOpenId, after.LeaderOpenId);
        Compare("order", before.Order, after.Order);
        return after with { Changed = changed };
    }

    /// <summary>A department the contact API returned.</summary>
    public static DirectoryDepartment FromApi(ApiDepartment department) => new(department.OpenDepartmentId)
    {
        // Asked by open_department_id, some answers repeat it as department_id: only a different value is the custom id.
        DepartmentId = department.DepartmentId == department.OpenDepartmentId ? null : Shown(department.DepartmentId),
        Name = Shown(department.Name),
        ParentId = Shown(department.ParentDepartmentId),
        LeaderOpenId = department.LeaderUserId,
        Order = department.Order,
        Deleted = department.IsDeleted,
    };

    /// <summary>A department a contact event carried; null without an open_department_id.</summary>
    public static DirectoryDepartment? FromEvent(EventDepartment department, bool deleted = false) =>
        string.IsNullOrEmpty(department.OpenDepartmentId) ? null : new DirectoryDepartment(department.OpenDepartmentId)
        {
            DepartmentId = department.DepartmentId == department.OpenDepartmentId ? null : Shown(department.DepartmentId),
            Name = Shown(department.Name),
            ParentId = Shown(department.ParentDepartmentId),
            LeaderOpenId = department.LeaderUserId,
            Order = department.Order,
            Deleted = deleted || department.Status?.IsDeleted == true,
        };

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
