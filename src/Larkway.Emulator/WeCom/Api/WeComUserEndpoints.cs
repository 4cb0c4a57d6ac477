using System.Globalization;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Api;

/// <summary>
/// Members: <c>GET /cgi-bin/user/get</c> (90196; 60111 unknown userid), <c>POST /cgi-bin/user/getuserid</c> (mobile,
/// 95402) and <c>/cgi-bin/user/get_userid_by_email</c> (95895; 46004 when nobody has it), <c>GET /cgi-bin/user/simplelist</c>
/// (90200; 60123 unknown department), <c>GET /cgi-bin/user/list</c> (90201, members with details; 60011 outside the app's
/// visible range) and <c>POST /cgi-bin/user/list_id</c> (96067, cursor paging).
/// </summary>
internal static class WeComUserEndpoints
{
    private const string Base = WeComApiExtensions.Prefix + "/cgi-bin/user";

    public static void MapWeComUserEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Base + "/get", Get).AsWeCom();
        routes.MapPost(Base + "/getuserid", ByMobileAsync).AsWeCom();
        routes.MapPost(Base + "/get_userid_by_email", ByEmailAsync).AsWeCom();
        routes.MapGet(Base + "/simplelist", SimpleList).AsWeCom();
        routes.MapGet(Base + "/list", List).AsWeCom();
        routes.MapPost(Base + "/list_id", ListIdAsync).AsWeCom();
    }

    private static IResult Get(HttpContext context, WeComOrg org)
    {
        var userId = context.Request.Query["userid"].FirstOrDefault();
        if (string.IsNullOrEmpty(userId))
        {
            throw WeComException.Of(WeComCodes.UserIdNotFound, "pass ?userid=");
        }

        var user = org.FindUser(userId) ?? throw WeComException.Of(WeComCodes.UserIdNotFound);
        return WeComJson.Ok(Member(user, org));
    }

    /// <summary>
    /// <c>GET /cgi-bin/user/list?department_id=</c> (获取部门成员详情, document 90201): the department's direct members with
    /// their details, sorted by userid. No paging and no recursion (WeCom: read each sub-department in turn). Status is
    /// 激活状态: 1 active, 2 disabled, 4 not yet activated, 5 left the corp.
    /// </summary>
    private static IResult List(HttpContext context, WeComOrg org)
    {
        var raw = context.Request.Query["department_id"].FirstOrDefault();
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || org.FindDepartment(id) is null)
        {
            throw WeComException.Of(WeComCodes.InvalidDepartmentId, string.IsNullOrEmpty(raw) ? "pass ?department_id=" : $"department {raw} is not in the corp");
        }

        if (!org.IsVisible(id))
        {
            throw WeComException.Of(WeComCodes.NoContactPrivilege, $"department {raw} is outside the app's visible range");
        }

        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["userlist"] = org.MembersOf(id, recursive: false).Select(u => Member(u, org)).ToList(),
        });
    }

    /// <summary>A member as user/get and user/list show them; the sensitive fields only to an app that may read them.</summary>
    private static Dictionary<string, object?> Member(WeComUser user, WeComOrg org)
    {
        var departments = user.Departments.Where(org.IsVisible).ToList();
        var member = new Dictionary<string, object?>
        {
            ["userid"] = user.UserId,
            ["name"] = user.Name,
            ["department"] = departments,
            ["order"] = departments.Select(_ => 0).ToList(),
            ["position"] = user.Position,
            ["is_leader_in_dept"] = departments.Select(d => user.Leads.Contains(d) ? 1 : 0).ToList(),
            ["direct_leader"] = Array.Empty<string>(),
            ["telephone"] = string.Empty,
            ["alias"] = string.Empty,
            ["status"] = user.Status,
            ["main_department"] = user.MainDepartment,
        };
        if (!org.WithholdsSensitiveFields)
        {
            member["mobile"] = user.Mobile;
            member["gender"] = user.Gender.ToString(CultureInfo.InvariantCulture);
            member["email"] = user.Email;
            member["biz_mail"] = user.Email;
            member["avatar"] = string.Empty;
            member["thumb_avatar"] = string.Empty;
        }

        return member;
    }

    private static async Task<IResult> ByMobileAsync(HttpContext context, WeComOrg org)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var mobile = body.RequiredStr("mobile", "mobile");
        if (mobile.Length is < 5 or > 32 || !mobile.All(c => char.IsAsciiDigit(c) || c is '+' or '-'))
        {
            throw WeComException.Of(60103, "mobile must be 5 to 32 digits, '+' or '-'");
        }

        var user = org.FindUserByMobile(mobile) ?? throw WeComException.Of(WeComCodes.UserNotExist, "no member of the corp (visible to the app) has that mobile");
        return WeComJson.Ok(new Dictionary<string, object?> { ["userid"] = user.UserId });
    }

    private static async Task<IResult> ByEmailAsync(HttpContext context, WeComOrg org)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var email = body.RequiredStr("email", "email");
        var type = body.Int("email_type") ?? 1;
        if (type is not (1 or 2))
        {
            throw WeComException.InvalidParameter("email_type must be 1 (corp email, the default) or 2 (personal email)");
        }

        // The emulated members' one address is their corp (biz) email; nobody has a personal one on file.
        var user = (type == 1 ? org.FindUserByEmail(email) : null) ?? throw WeComException.Of(WeComCodes.UserNotExist, "no member of the corp (visible to the app) has that email");
        return WeComJson.Ok(new Dictionary<string, object?> { ["userid"] = user.UserId });
    }

    private static IResult SimpleList(HttpContext context, WeComOrg org)
    {
        var raw = context.Request.Query["department_id"].FirstOrDefault();
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || org.FindDepartment(id) is null)
        {
            throw WeComException.Of(WeComCodes.InvalidDepartmentId, string.IsNullOrEmpty(raw) ? "pass ?department_id=" : $"department {raw} is not in the corp");
        }

        var recursive = context.Request.Query["fetch_child"].FirstOrDefault() == "1";
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["userlist"] = org.MembersOf(id, recursive).Select(u => new Dictionary<string, object?> { ["userid"] = u.UserId, ["name"] = u.Name, ["department"] = u.Departments }).ToList(),
        });
    }

    /// <summary>Every member–department pair, in a stable order; the cursor is the offset (opaque to clients).</summary>
    private static async Task<IResult> ListIdAsync(HttpContext context, WeComOrg org)
    {
        var (body, _) = context.Request.ContentLength is 0 ? (default, Array.Empty<byte>()) : await WeComBody.ReadObjectAsync(context.Request);
        var limit = body.ValueKind == System.Text.Json.JsonValueKind.Object ? body.Int("limit") ?? 10000 : 10000;
        if (limit is < 1 or > 10000)
        {
            throw WeComException.InvalidParameter("limit must be 1 to 10000");
        }

        var cursor = body.ValueKind == System.Text.Json.JsonValueKind.Object ? body.Str("cursor") : null;
        var offset = 0;
        if (!string.IsNullOrEmpty(cursor) && !(cursor.StartsWith('c') && int.TryParse(cursor[1..], NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            throw WeComException.InvalidParameter("cursor is not one list_id returned");
        }

        var pairs = org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).SelectMany(u => u.Departments.Select(d => (u.UserId, Department: d))).ToList();
        var page = pairs.Skip(offset).Take((int)limit).ToList();
        var next = offset + page.Count < pairs.Count ? "c" + (offset + page.Count).ToString(CultureInfo.InvariantCulture) : string.Empty;
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["next_cursor"] = next,
            ["dept_user"] = page.Select(p => new Dictionary<string, object?> { ["userid"] = p.UserId, ["department"] = p.Department }).ToList(),
        });
    }
}
