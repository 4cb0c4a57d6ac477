namespace Larkway.Emulator.Api.Contact;

/// <summary>
/// The contact field scopes (developer console → permissions): a field of a user or department whose scope the app was not
/// granted is left out of replies and events without an error, as Feishu does. open_id, union_id and the department ids
/// need none.
/// </summary>
public static class ContactFieldScopes
{
    public const string UserBase = "contact:user.base:readonly";
    public const string UserEmail = "contact:user.email:readonly";
    public const string UserPhone = "contact:user.phone:readonly";
    public const string UserId = "contact:user.employee_id:readonly";
    public const string UserDepartment = "contact:user.department:readonly";
    public const string UserEmployee = "contact:user.employee:readonly";
    public const string UserEmployeeNumber = "contact:user.employee_number:read";
    public const string UserGender = "contact:user.gender:readonly";
    public const string DepartmentBase = "contact:department.base:readonly";
    public const string DepartmentOrganize = "contact:department.organize:readonly";

    /// <summary>Every field scope the Emulator knows; an app granted none of the list sees ids only.</summary>
    public static IReadOnlyList<string> All { get; } =
        [UserBase, UserEmail, UserPhone, UserId, UserDepartment, UserEmployee, UserEmployeeNumber, UserGender, DepartmentBase, DepartmentOrganize];
}
