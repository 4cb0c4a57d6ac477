using System.Security.Claims;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// The claim types Feishu sign-in gives, from <c>GET /open-apis/authen/v1/user_info</c>. Where a standard type fits it is
/// used: open_id is <see cref="ClaimTypes.NameIdentifier"/>, name <see cref="ClaimTypes.Name"/>, email
/// <see cref="ClaimTypes.Email"/>, mobile <see cref="ClaimTypes.MobilePhone"/> (only with
/// <see cref="FeishuAuthenticationOptions.IncludeMobile"/>). The rest are Feishu's own, named here.
/// </summary>
/// <remarks>
/// A claim is left out when Feishu sends the field empty or not at all: email, enterprise_email, user_id and mobile come
/// only when the app has their permission (<c>contact:user.email:readonly</c>, <c>contact:user.employee:readonly</c>,
/// <c>contact:user.employee_id:readonly</c>, <c>contact:user.phone:readonly</c>). Feishu does not verify email or mobile:
/// an administrator types them in, so never link accounts by them.
/// </remarks>
public static class FeishuClaimTypes
{
    /// <summary>The user's id across the developer's apps (<c>union_id</c>, <c>on_…</c>).</summary>
    public const string UnionId = "urn:feishu:union_id";

    /// <summary>The tenant's own id of the user (<c>user_id</c>); an administrator can change it.</summary>
    public const string UserId = "urn:feishu:user_id";

    /// <summary>The user's tenant (<c>tenant_key</c>).</summary>
    public const string TenantKey = "urn:feishu:tenant_key";

    /// <summary>The English name (<c>en_name</c>).</summary>
    public const string EnName = "urn:feishu:en_name";

    /// <summary>The enterprise mailbox (<c>enterprise_email</c>).</summary>
    public const string EnterpriseEmail = "urn:feishu:enterprise_email";

    /// <summary>The avatar's URL (<c>avatar_url</c>).</summary>
    public const string AvatarUrl = "urn:feishu:avatar_url";

    /// <summary>The employee number (<c>employee_no</c>).</summary>
    public const string EmployeeNo = "urn:feishu:employee_no";
}
