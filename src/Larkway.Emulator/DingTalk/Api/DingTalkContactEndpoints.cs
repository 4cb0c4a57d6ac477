using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Api;

/// <summary>
/// Two app-token contact reads, one per host, so clients can exercise both token styles: oapi
/// <c>POST /topapi/v2/user/get</c> and api <c>POST /v1.0/contact/users/search</c>.
/// </summary>
internal static class DingTalkContactEndpoints
{
    private const int MaxSearchSize = 100;

    public static void MapDingTalkContactEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/topapi/v2/user/get", GetUserAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/contact/users/search", SearchUsersAsync).AsDingTalk(DingTalkFamily.Api);
    }

    /// <summary><c>{"userid"}</c> → <c>{"errcode":0,"result":{userid,name,mobile,unionid,…}}</c>; unknown → 60121.</summary>
    private static async Task<IResult> GetUserAsync(HttpContext context, DingTalkOrg org)
    {
        var body = await DingTalkBody.ReadObjectAsync(context.Request, _ => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"));
        var userId = body?.String("userid") ?? context.Request.Query["userid"].FirstOrDefault();
        if (string.IsNullOrEmpty(userId))
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 userid");
        }

        var user = org.FindUser(userId) ?? throw DingTalkException.Oapi(DingTalkCodes.UserNotFound, "找不到该用户");
        return DingTalkJson.OapiOk(new Dictionary<string, object?>
        {
            ["result"] = UserView(user),
            ["request_id"] = DingTalkRequestIds.Of(context),
        });
    }

    /// <summary>A user as oapi's user/get and user/list show them.</summary>
    public static Dictionary<string, object?> UserView(DingTalkUser user) => new()
    {
        ["userid"] = user.UserId,
        ["unionid"] = user.UnionId,
        ["name"] = user.Name,
        ["mobile"] = user.Mobile,
        ["state_code"] = "86",
        ["title"] = user.Title,
        ["email"] = user.Email,
        ["org_email"] = user.OrgEmail,
        ["job_number"] = user.JobNumber,
        ["avatar"] = "",
        ["hide_mobile"] = false,
        ["dept_id_list"] = user.DeptIds,
        ["active"] = true,
        ["admin"] = user.UserId == "alice",
        ["boss"] = false,
        ["leader_in_dept"] = Array.Empty<object>(),
    };

    /// <summary><c>{queryWord, offset, size}</c> → <c>{hasMore, totalCount, list:[userid]}</c>, matching names (and mobiles).</summary>
    private static async Task<IResult> SearchUsersAsync(HttpContext context, DingTalkOrg org)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var query = body.RequiredApiString("queryWord");
        var offset = RequiredInt(body, "offset", 0, int.MaxValue);
        var size = RequiredInt(body, "size", 1, MaxSearchSize);
        var matches = org.Users
            .Where(u => u.Name.Contains(query, StringComparison.OrdinalIgnoreCase) || u.Mobile == query)
            .OrderBy(u => u.UserId, StringComparer.Ordinal)
            .Select(u => u.UserId)
            .ToList();
        var page = matches.Skip(offset).Take(size).ToList();
        return DingTalkJson.Ok(new { hasMore = offset + page.Count < matches.Count, totalCount = matches.Count, list = page });
    }

    private static int RequiredInt(JsonElement body, string name, int min, int max) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max
            ? number
            : throw DingTalkException.InvalidParameter($"{name} is mandatory for this action and must be an integer in [{min}, {max}].");
}
