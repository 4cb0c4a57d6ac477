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

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
