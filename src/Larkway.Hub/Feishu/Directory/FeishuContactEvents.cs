using ClientAvatar = Larkway.Feishu.Contact.ContactAvatar;
using ClientDepartment = Larkway.Feishu.Contact.ContactDepartment;
using ClientDepartmentStatus = Larkway.Feishu.Contact.ContactDepartmentStatus;
using ClientUser = Larkway.Feishu.Contact.ContactUser;
using ClientUserStatus = Larkway.Feishu.Contact.ContactUserStatus;
using EventDepartment = Larkway.Feishu.Events.Models.Contact.ContactDepartment;
using EventUser = Larkway.Feishu.Events.Models.Contact.ContactUser;

namespace Larkway.Hub.Feishu.Directory;

/// <summary>
/// A contact event's user or department as the contact client's model, where the event enters the directory, so that
/// <see cref="FeishuContactMapping"/> maps one model. The two packages share no types (neither depends on the other); only
/// the fields the directory reads are carried over.
/// </summary>
internal static class FeishuContactEvents
{
    /// <summary>
    /// The user an event (or its <c>old_object</c>, whole or partial) carried. A status or frozen flag the event left out
    /// stays unshown; one it showed counts its unshown flags as false, as the event's own reading does.
    /// </summary>
    public static ClientUser ToClient(EventUser user) => new()
    {
        OpenId = user.OpenId ?? "",
        UnionId = user.UnionId,
        UserId = user.UserId,
        Name = user.Name ?? "",
        EnName = user.EnName,
        Email = user.Email,
        EnterpriseEmail = user.EnterpriseEmail,
        Mobile = user.Mobile,
        EmployeeNo = user.EmployeeNo,
        Avatar = user.Avatar is { } a ? new ClientAvatar { Avatar72 = a.Avatar72, Avatar240 = a.Avatar240, Avatar640 = a.Avatar640, AvatarOrigin = a.AvatarOrigin } : null,
        LeaderUserId = user.LeaderUserId,
        DepartmentIds = user.DepartmentIds ?? [],
        Status = StatusOf(user),
    };

    /// <summary>The department an event (or its <c>old_object</c>) carried; <paramref name="deleted"/> for a deleted event.</summary>
    public static ClientDepartment ToClient(EventDepartment department, bool deleted = false) => new()
    {
        OpenDepartmentId = department.OpenDepartmentId ?? "",
        DepartmentId = department.DepartmentId,
        Name = department.Name ?? "",
        ParentDepartmentId = department.ParentDepartmentId,
        LeaderUserId = department.LeaderUserId,
        Order = department.Order,
        Status = deleted || department.Status?.IsDeleted == true ? new ClientDepartmentStatus(IsDeleted: true)
            : department.Status is not null ? new ClientDepartmentStatus(IsDeleted: false) : null,
    };

    // Feishu puts is_frozen in the status and, in some events, beside it; either one set freezes.
    private static ClientUserStatus? StatusOf(EventUser user) => user.Status is null && user.IsFrozen is null
        ? null
        : new ClientUserStatus(
            IsFrozen: user.Status?.IsFrozen == true || user.IsFrozen == true,
            IsResigned: user.Status?.IsResigned == true,
            IsActivated: user.Status?.IsActivated == true,
            IsExited: user.Status?.IsExited == true,
            IsUnjoin: user.Status?.IsUnjoin == true);
}
