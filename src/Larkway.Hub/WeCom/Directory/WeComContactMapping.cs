using System.Globalization;
using Larkway.Hub.Directory;
using Larkway.WeCom.Callbacks;
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

    /// <summary>change_contact's ChangeType of a member created.</summary>
    public const string CreateUser = "create_user";

    /// <summary>A member updated.</summary>
    public const string UpdateUser = "update_user";

    /// <summary>A member deleted.</summary>
    public const string DeleteUser = "delete_user";

    /// <summary>A department created.</summary>
    public const string CreateParty = "create_party";

    /// <summary>A department updated.</summary>
    public const string UpdateParty = "update_party";

    /// <summary>A department deleted.</summary>
    public const string DeleteParty = "delete_party";

    /// <summary>
    /// The change a <c>change_contact</c> callback makes; null for a tag change or one naming no one. A field the callback
    /// left out is not shown, so it never blanks what the directory has; an update names the fields it carried as changed
    /// (WeCom sends an update's changed fields only). A new userid (<c>NewUserID</c>) is a new account: the old one is
    /// deleted and the new one read from WeCom (the directory has no rename of an account; WeCom allows one such change).
    /// </summary>
    public static DirectoryChange? OfEvent(WeComChangeContactEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.ChangeType)
        {
            case CreateUser or UpdateUser when e.UserId is { Length: > 0 } userId:
                if (e.ChangeType == UpdateUser && e.NewUserId is { Length: > 0 } renamed && renamed != userId)
                {
                    return new DirectoryChanges([new DirectoryUserDeleted(userId, []), new DirectoryToRead([], [renamed])]);
                }

                var user = UserOf(userId, e);
                return new DirectoryUserShown(e.ChangeType == UpdateUser ? user with { Changed = ShownFields(user) } : user);
            case DeleteUser when e.UserId is { Length: > 0 } userId:
                return new DirectoryUserDeleted(userId, []);
            case CreateParty or UpdateParty when e.DepartmentId is { } id && id > 0:
                var department = new DirectoryDepartment(DepartmentId(id))
                {
                    Name = Shown(e.Name),
                    ParentId = e.ParentId is { } parent && parent > 0 ? DepartmentId(parent) : null,
                    Order = e.Order,
                };
                return new DirectoryDepartmentShown(e.ChangeType == UpdateParty ? department with { Changed = ShownFields(department) } : department);
            case DeleteParty when e.DepartmentId is { } id && id > 0:
                return new DirectoryDepartmentShown(Deleted(DepartmentId(id)));
            default:
                return null;
        }
    }

    /// <summary>
    /// A department deleted, the deletion named as the change: at a tie with an update of the same second (WeCom's
    /// CreateTime is in whole seconds) the deletion wins, since the update only showed the department as it still was.
    /// </summary>
    public static DirectoryDepartment Deleted(string id) =>
        new(id) { Deleted = true, Changed = new HashSet<string>([DirectoryRules.Status], StringComparer.Ordinal) };

    private static DirectoryUser UserOf(string userId, WeComChangeContactEvent e) => new(userId)
    {
        UserId = userId,
        Name = Shown(e.Name),
        Email = Shown(e.Email),
        EnterpriseEmail = Shown(e.BizMail),
        Mobile = Shown(e.Mobile),
        AvatarUrl = Shown(e.Avatar),

        // Sent and empty: no leader; not sent: not shown.
        LeaderId = e.DirectLeader is { } leaders ? leaders.FirstOrDefault() ?? "" : null,
        DepartmentIds = e.Departments is { Count: > 0 } departments ? [.. departments.Select(DepartmentId)] : null,
        Status = StatusOf(e.Status),
    };

    // The fields an update carried, by the directory's names: WeCom sends only what changed.
    private static HashSet<string> ShownFields(DirectoryUser user)
    {
        var shown = new HashSet<string>(StringComparer.Ordinal);
        void Note(string field, object? value)
        {
            if (value is not null)
            {
                shown.Add(field);
            }
        }

        Note("name", user.Name);
        Note(DirectoryRules.Email, user.Email);
        Note("enterprise_email", user.EnterpriseEmail);
        Note(DirectoryRules.Mobile, user.Mobile);
        Note("avatar_url", user.AvatarUrl);
        Note("leader", user.LeaderId);
        Note(DirectoryRules.Departments, user.DepartmentIds);
        Note(DirectoryRules.Status, user.Status);
        return shown;
    }

    private static HashSet<string> ShownFields(DirectoryDepartment department) =>
        new(new (string Field, object? Value)[] { ("name", department.Name), ("parent_id", department.ParentId), ("order", department.Order) }
            .Where(f => f.Value is not null).Select(f => f.Field), StringComparer.Ordinal);

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
