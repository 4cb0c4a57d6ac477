using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Api;

/// <summary>
/// Old-API department reads (<c>?access_token=</c>, DingTalk's "部门管理 v2"): a department's direct sub-departments
/// (<c>listsub</c>) and their ids (<c>listsubid</c>), one department (<c>get</c>), and the app's contact scope
/// (<c>GET /auth/scopes</c>). None goes below one level: a whole tree is a walk. Refusals are HTTP 200 with errcode:
/// 60003 department not found, 50004 a department outside the app's contact scope (listsub and get; listsubid is
/// documented as not bound by the scope), 40035 a missing and 400002 an unusable parameter.
/// </summary>
internal static class DingTalkDepartmentEndpoints
{
    public static void MapDingTalkDepartmentEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/department/listsub", ListSubAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/department/listsubid", ListSubIdAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/department/get", GetAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapGet(DingTalkApiExtensions.Prefix + "/auth/scopes", Scopes).AsDingTalk(DingTalkFamily.Oapi);
    }

    /// <summary><c>{dept_id?, language?}</c> (dept_id defaults to the root 1) → <c>{"result":[{dept_id, name, parent_id, …}]}</c>.</summary>
    private static async Task<IResult> ListSubAsync(HttpContext context, DingTalkOrg org)
    {
        var body = await ReadAsync(context);
        var deptId = body.TryGetProperty("dept_id", out var given) && given.ValueKind != JsonValueKind.Null
            ? body.RequiredOapiLong("dept_id", 1, long.MaxValue)
            : DingTalkOrg.RootId;
        ReadableOrThrow(org, deptId, scoped: true);
        return Ok(context, org.ChildrenOf(deptId).Select(BaseView).ToList());
    }

    /// <summary><c>{dept_id}</c> → <c>{"result":{"dept_id_list":[…]}}</c>.</summary>
    private static async Task<IResult> ListSubIdAsync(HttpContext context, DingTalkOrg org)
    {
        var deptId = (await ReadAsync(context)).RequiredOapiLong("dept_id", 1, long.MaxValue);
        ReadableOrThrow(org, deptId, scoped: false);
        return Ok(context, new Dictionary<string, object?> { ["dept_id_list"] = org.ChildrenOf(deptId).Select(d => d.DeptId).ToList() });
    }

    /// <summary><c>{dept_id, language?}</c> → <c>{"result":{dept_id, name, parent_id, order, dept_manager_userid_list, …}}</c>.</summary>
    private static async Task<IResult> GetAsync(HttpContext context, DingTalkOrg org)
    {
        var deptId = (await ReadAsync(context)).RequiredOapiLong("dept_id", 1, long.MaxValue);
        var department = ReadableOrThrow(org, deptId, scoped: true);
        var view = BaseView(department);
        view["order"] = department.Order;
        view["dept_manager_userid_list"] = department.ManagerUserIds;
        view["outer_dept"] = false;
        view["hide_dept"] = false;
        view["group_contain_sub_dept"] = false;
        view["member_count"] = org.MemberCount(deptId);
        return Ok(context, view);
    }

    /// <summary>
    /// <c>GET /auth/scopes</c> → <c>{auth_user_field, auth_org_scopes:{authed_dept, authed_user}}</c>: the fields and the
    /// departments and people the app's contact scope grants (top level, not inside <c>result</c>, as documented).
    /// </summary>
    private static IResult Scopes(HttpContext context, DingTalkOrg org)
    {
        var (departments, users) = org.Scope();
        return DingTalkJson.OapiOk(new Dictionary<string, object?>
        {
            ["auth_user_field"] = new[] { "name", "email", "mobile", "jobnumber", "position", "dept", "avatar" },
            ["auth_org_scopes"] = new Dictionary<string, object?> { ["authed_dept"] = departments, ["authed_user"] = users },
            ["request_id"] = DingTalkRequestIds.Of(context),
        });
    }

    /// <summary>The department as listsub shows it; the root has no parent_id.</summary>
    private static Dictionary<string, object?> BaseView(DingTalkDepartment department)
    {
        var view = new Dictionary<string, object?>
        {
            ["dept_id"] = department.DeptId,
            ["name"] = department.Name,
            ["create_dept_group"] = false,
            ["auto_add_user"] = false,
            ["from_union_org"] = false,
        };
        if (department.ParentId is { } parent)
        {
            view["parent_id"] = parent;
        }

        return view;
    }

    private static DingTalkDepartment ReadableOrThrow(DingTalkOrg org, long deptId, bool scoped)
    {
        var department = org.FindDepartment(deptId) ?? throw DingTalkException.Oapi(DingTalkCodes.DepartmentNotFound, "部门不存在");
        return !scoped || org.InScope(deptId)
            ? department
            : throw DingTalkException.Oapi(DingTalkCodes.DepartmentOutOfScope, DingTalkCodes.DepartmentOutOfScopeMessage);
    }

    private static async Task<JsonElement> ReadAsync(HttpContext context) =>
        await DingTalkBody.ReadObjectAsync(context.Request, _ => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"))
        ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json");

    private static IResult Ok(HttpContext context, object result) =>
        DingTalkJson.OapiOk(new Dictionary<string, object?> { ["result"] = result, ["request_id"] = DingTalkRequestIds.Of(context) });
}
