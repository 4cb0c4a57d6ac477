using System.Globalization;
using Larkway.Hub.Directory;
using Larkway.WeCom.Departments;
using Larkway.WeCom.Users;

namespace Larkway.Hub.WeCom.Directory;

/// <summary>
/// WeCom's members and departments in the directory's terms (<see cref="DirectoryUser"/>, <see cref="DirectoryDepartment"/>).
/// WeCom's root department (1, the corp itself) is the directory's root <c>0</c>, both ways. A member is named by their
/// userid (both <see cref="DirectoryUser.Id"/> and <see cref="DirectoryUser.UserId"/>: WeCom's events and messages name them
/// by it). A field WeCom left out or answered empty — mobile, email, biz_mail and avatar, which apps created after
/// 2022-06-20 do not get — is "not shown" (null), so it never clears what the directory has.
/// </summary>
internal static class WeComContactMapping
{
    /// <summary>The directory's id of WeCom's department <paramref name="id"/> (the root 1 is <c>0</c>).</summary>
    public static string DepartmentId(long id) => id == WeComDepartmentsClient.RootId ? "0" : id.ToString(CultureInfo.InvariantCulture);

    /// <summary>WeCom's id of the directory's department <paramref name="id"/> (<c>0</c> is the root 1); null when it is not a WeCom department id.</summary>
    public static long? WeComDepartmentId(string id) =>
        id == "0" ? WeComDepartmentsClient.RootId
        : long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : null;

    /// <summary>
    /// WeCom's 激活状态: 1 active; 2 disabled → frozen; 5 left the corp → resigned; 4 not yet activated → active (a member the
    /// corp added who has not joined yet is one of its people, as Feishu's not-yet-activated users are); anything else not shown.
    /// </summary>
    public static PersonStatus? StatusOf(int? status) => status switch
    {
        1 or 4 => PersonStatus.Active,
        2 => PersonStatus.Frozen,
        5 => PersonStatus.Resigned,
        _ => null,
    };

    /// <summary>A member as user/list or user/get showed them; null without a userid.</summary>
    public static DirectoryUser? Of(WeComUser user) => string.IsNullOrEmpty(user.UserId) ? null : new DirectoryUser(user.UserId)
    {
        UserId = user.UserId,
        Name = Shown(user.Name),
        Email = Shown(user.Email),
        EnterpriseEmail = Shown(user.BizMail),
        Mobile = Shown(user.Mobile),
        AvatarUrl = Shown(user.Avatar),

        // direct_leader lists up to five; the directory keeps one leader: the first. An empty list is "no leader".
        LeaderId = user.DirectLeader is { } leaders ? leaders.FirstOrDefault() ?? "" : null,

        // Every member is in at least one department (the root is "0"): an absent or empty list is "not shown".
        DepartmentIds = user.Department is { Count: > 0 } departments ? [.. departments.Select(DepartmentId)] : null,
        Status = StatusOf(user.Status),
    };

    /// <summary>A department as department/get showed it (its name, parent, first leader and order).</summary>
    public static DirectoryDepartment Of(WeComDepartment department) => new(DepartmentId(department.Id))
    {
        Name = Shown(department.Name),
        ParentId = department.ParentId == 0 ? null : DepartmentId(department.ParentId),
        LeaderId = department.Leaders is { } leaders ? leaders.FirstOrDefault() ?? "" : null,
        Order = department.Order,
    };

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
