namespace Larkway.Feishu;

/// <summary>Contact v3 codes (the read endpoints' error tables).</summary>
public static partial class FeishuErrorCodes
{
    /// <summary>Contact: invalid request parameter (e.g. no emails or mobiles, more than 50 of either or of ids).</summary>
    public const int ContactInvalidParameter = 40001;
    /// <summary>Contact: the root department (<c>0</c>) cannot be used here.</summary>
    public const int ContactRootDepartmentNotAllowed = 40002;
    /// <summary>Contact: internal error; quote the log id to support.</summary>
    public const int ContactInternalError = 40003;
    /// <summary>Contact: the department is outside the app's contact scope (HTTP 403).</summary>
    public const int ContactNoDepartmentAuthority = 40004;
    /// <summary>Contact: the department information is empty.</summary>
    public const int ContactDepartmentInfoEmpty = 40008;
    /// <summary>Contact: the page size is out of range (over 50; over 100 for scopes).</summary>
    public const int ContactInvalidPageSize = 40011;
    /// <summary>Contact: the page token is not one the previous page returned.</summary>
    public const int ContactInvalidPageToken = 40012;
    /// <summary>Contact: the parent department is outside the contact scope (HTTP 403).</summary>
    public const int ContactNoParentDepartmentAuthority = 40014;
    /// <summary>Contact: the department does not exist.</summary>
    public const int ContactDepartmentNotFound = 40015;
    /// <summary>Contact: the user id is invalid.</summary>
    public const int ContactInvalidUserId = 41012;
    /// <summary>Contact: the user is outside the app's contact scope (tenant token) or the caller's visibility (user token).</summary>
    public const int ContactNoUserAuthority = 41050;
    /// <summary>Contact: the token's tenant does not own the resource (HTTP 401).</summary>
    public const int ContactTenantMismatch = 42008;
    /// <summary>Contact: the department is too large to be queried recursively.</summary>
    public const int ContactDepartmentTooLarge = 43010;
    /// <summary>Contact: department_id is missing.</summary>
    public const int ContactMissingDepartmentId = 44102;
}
