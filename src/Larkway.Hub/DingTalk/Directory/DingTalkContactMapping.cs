using System.Globalization;
using Larkway.DingTalk.Departments;
using Larkway.DingTalk.Users;
using Larkway.Hub.Directory;

namespace Larkway.Hub.DingTalk.Directory;

/// <summary>
/// DingTalk's users and departments in the directory's terms (<see cref="DirectoryUser"/>, <see cref="DirectoryDepartment"/>).
/// A department is named by its <c>dept_id</c> as text, except DingTalk's root 1, which is the directory's root <c>0</c>
/// (so a first-level department's parent is <c>0</c>, and people directly in the root are in <c>0</c>). A person is named
/// by their userid, which is both <see cref="DirectoryUser.Id"/> and <see cref="DirectoryUser.UserId"/>.
/// </summary>
internal static class DingTalkContactMapping
{
    /// <summary>The directory's root department.</summary>
    public const string Root = "0";

    /// <summary>The directory's id of a DingTalk department: <c>0</c> for the root 1, else the dept_id.</summary>
    public static string IdOf(long deptId) => deptId == DingTalkDepartmentsClient.RootId ? Root : deptId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The DingTalk dept_id of a directory department id: 1 for <c>0</c>.</summary>
    /// <exception cref="ArgumentException">The id is not a DingTalk department's.</exception>
    public static long DeptIdOf(string id) =>
        id == Root ? DingTalkDepartmentsClient.RootId
        : long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var deptId) && deptId >= DingTalkDepartmentsClient.RootId ? deptId
        : throw new ArgumentException($"'{id}' is not a DingTalk department id.", nameof(id));

    /// <summary>
    /// A person as <c>user/list</c> or <c>user/get</c> showed them; null without a userid. DingTalk lists only current members
    /// (someone who left is gone from the lists, and a full sync marks them resigned), so everyone read is active —
    /// <c>active</c> only says whether they have signed in to DingTalk yet, and is not their status.
    /// </summary>
    public static DirectoryUser? Of(DingTalkUser user) => string.IsNullOrEmpty(user.UserId) ? null : new DirectoryUser(user.UserId)
    {
        UnionId = Shown(user.UnionId),
        UserId = user.UserId,
        Name = Shown(user.Name),
        Email = user.Email,
        EnterpriseEmail = user.OrgEmail,
        Mobile = user.Mobile,
        EmployeeNo = user.JobNumber,
        AvatarUrl = Shown(user.Avatar),

        // DingTalk's lists show no one's leader (only departments' managers): left as it is.
        LeaderId = null,

        // Everyone is in at least one department (the root is "0"): an empty list means "not shown".
        DepartmentIds = user.DepartmentIds.Count == 0 ? null : [.. user.DepartmentIds.Select(IdOf)],
        Status = PersonStatus.Active,
    };

    /// <summary>
    /// A department as <c>listsub</c> (<paramref name="detailed"/> false: no order or managers shown) or <c>get</c> showed it.
    /// Its leader is its first manager (<c>""</c> for none, from <c>get</c>).
    /// </summary>
    public static DirectoryDepartment Of(DingTalkDepartment department, bool detailed) => new(IdOf(department.Id))
    {
        Name = Shown(department.Name),
        ParentId = department.ParentId is { } parent ? IdOf(parent) : null,
        LeaderId = detailed ? department.ManagerUserIds.FirstOrDefault() ?? "" : null,
        Order = department.Order,
    };

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
