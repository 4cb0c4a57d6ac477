using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Api;

/// <summary>
/// Old-API user lookups (<c>?access_token=</c>): by mobile, by unionid, and a department's members page by page.
/// Refusals are HTTP 200 with errcode: 60121 user not found, 60003 department not found, 40104 a malformed mobile,
/// 400002 an invalid parameter (all documented), 50004 a department outside the app's contact scope.
/// </summary>
internal static class DingTalkUserEndpoints
{
    /// <summary>Documented maximum page size of the department member lists.</summary>
    public const int MaxPageSize = 100;

    public static void MapDingTalkUserEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/user/getbymobile", GetByMobileAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/user/getbyunionid", GetByUnionIdAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/user/list", ListAsync).AsDingTalk(DingTalkFamily.Oapi);
    }

    /// <summary><c>{mobile}</c> → <c>{"result":{"userid"}}</c>.</summary>
    private static async Task<IResult> GetByMobileAsync(HttpContext context, DingTalkOrg org)
    {
        var mobile = (await ReadAsync(context)).String("mobile") ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 mobile");
        if (!mobile.All(c => char.IsAsciiDigit(c) || c is '+' or '-'))
        {
            throw DingTalkException.Oapi(DingTalkCodes.InvalidMobile, "企业中的手机号码不合法");
        }

        var user = org.FindUserByMobile(mobile.TrimStart('+').Replace("86-", string.Empty, StringComparison.Ordinal)) ?? throw UserNotFound();
        return Ok(context, new Dictionary<string, object?> { ["userid"] = user.UserId });
    }

    /// <summary><c>{unionid}</c> → <c>{"result":{"contact_type":0,"userid"}}</c> (0: an employee, 1: an external contact).</summary>
    private static async Task<IResult> GetByUnionIdAsync(HttpContext context, DingTalkOrg org)
    {
        var unionId = (await ReadAsync(context)).String("unionid") ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 unionid");
        var user = org.FindUserByUnionId(unionId) ?? throw UserNotFound();
        return Ok(context, new Dictionary<string, object?> { ["contact_type"] = 0, ["userid"] = user.UserId });
    }

    /// <summary>
    /// <c>{dept_id, cursor, size, language?}</c> → <c>{"result":{has_more, next_cursor, list}}</c>: the department's own
    /// members (not sub-departments'), each as user/get shows them. The cursor is an offset; next_cursor is absent on the
    /// last page.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext context, DingTalkOrg org)
    {
        var body = await ReadAsync(context);
        var deptId = body.RequiredOapiLong("dept_id", 1, long.MaxValue);
        var cursor = body.RequiredOapiLong("cursor", 0, int.MaxValue);
        var size = body.RequiredOapiLong("size", 1, MaxPageSize);
        var department = org.FindDepartment(deptId) ?? throw DingTalkException.Oapi(DingTalkCodes.DepartmentNotFound, "未找到部门");
        if (!org.InScope(deptId))
        {
            throw DingTalkException.Oapi(DingTalkCodes.DepartmentOutOfScope, DingTalkCodes.DepartmentOutOfScopeMessage);
        }

        // A slice of the department's index: a page costs its size, not the department's.
        var page = org.MembersOf(deptId, (int)cursor, (int)size);
        var hasMore = cursor + page.Count < org.MemberCount(deptId);
        var result = new Dictionary<string, object?>
        {
            ["has_more"] = hasMore,
            ["list"] = page.Select(u =>
            {
                var view = DingTalkContactEndpoints.UserView(u);
                view["leader"] = department.ManagerUserIds.Contains(u.UserId);
                return view;
            }).ToList(),
        };
        if (hasMore)
        {
            result["next_cursor"] = cursor + page.Count;
        }

        return Ok(context, result);
    }

    private static async Task<JsonElement> ReadAsync(HttpContext context) =>
        await DingTalkBody.ReadObjectAsync(context.Request, _ => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"))
        ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json");

    private static DingTalkException UserNotFound() => DingTalkException.Oapi(DingTalkCodes.UserNotFound, "找不到该用户");

    private static IResult Ok(HttpContext context, Dictionary<string, object?> result) =>
        DingTalkJson.OapiOk(new Dictionary<string, object?> { ["result"] = result, ["request_id"] = DingTalkRequestIds.Of(context) });
}
