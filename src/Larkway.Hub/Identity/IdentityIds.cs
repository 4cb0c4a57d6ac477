using System.Text.RegularExpressions;

namespace Larkway.Hub.Identity;

/// <summary>The ways an administrator names who may sign in: a person or a department.</summary>
internal static partial class IdentityIds
{
    /// <summary>A Hub person id (<c>per_…</c>), a union_id (<c>on_…</c>) or an open_id under the sign-in app (<c>ou_…</c>).</summary>
    public static bool IsPerson(string value) => PersonPattern().IsMatch(value);

    /// <summary>An open_department_id (<c>od-…</c>).</summary>
    public static bool IsDepartment(string value) => DepartmentPattern().IsMatch(value);

    [GeneratedRegex("^(per_|on_|ou_)[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex PersonPattern();

    [GeneratedRegex("^od-[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex DepartmentPattern();
}
