using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.WorkNotifications;

/// <summary>
/// Work notifications on the old API (<c>?access_token=</c>): <c>asyncsend_v2</c>, <c>getsendprogress</c> and
/// <c>getsendresult</c>. Sending is "asynchronous" on DingTalk; here a task is finished when asyncsend_v2 answers, so
/// progress is always 100 % / status 2 (finished).
/// </summary>
internal static class WorkNotificationEndpoints
{
    /// <summary>Documented: userid_list holds at most 100 userids, dept_id_list at most 20 departments.</summary>
    public const int MaxUsers = 100;

    public const int MaxDepts = 20;

    private const string Base = DingTalkApiExtensions.Prefix + "/topapi/message/corpconversation/";

    public static void MapDingTalkWorkNotifications(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Base + "asyncsend_v2", SendAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(Base + "getsendprogress", ProgressAsync).AsDingTalk(DingTalkFamily.Oapi);
        routes.MapPost(Base + "getsendresult", ResultAsync).AsDingTalk(DingTalkFamily.Oapi);
    }

    /// <summary>
    /// <c>{agent_id, userid_list?, dept_id_list?, to_all_user?, msg}</c> → <c>{task_id}</c>. Departments include their
    /// sub-departments; a user named twice gets one copy. Unknown userids and departments do not fail the call: they
    /// show in getsendresult.
    /// </summary>
    private static async Task<IResult> SendAsync(HttpContext context, DingTalkOrg org, WorkNotificationStore store, TimeProvider time)
    {
        var body = await ReadAsync(context);
        var agentId = CheckAgent(context, org, body);
        var userIds = CommaList(body, "userid_list");
        var deptTexts = CommaList(body, "dept_id_list");
        var toAll = body.TryGetProperty("to_all_user", out var all) && (all.ValueKind == JsonValueKind.True || (all.ValueKind == JsonValueKind.String && all.GetString() == "true"));
        if (userIds.Count > MaxUsers || deptTexts.Count > MaxDepts)
        {
            throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, $"无效的参数: userid_list holds at most {MaxUsers} userids, dept_id_list at most {MaxDepts} departments");
        }

        if (userIds.Count == 0 && deptTexts.Count == 0 && !toAll)
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 userid_list, dept_id_list or to_all_user");
        }

        var (msgType, msg) = WorkNotificationMessage.Parse(body);
        var recipients = new List<string>();
        var invalidUsers = new List<string>();
        var invalidDepts = new List<long>();
        foreach (var userId in userIds)
        {
            (org.FindUser(userId) is null ? invalidUsers : recipients).Add(userId);
        }

        foreach (var text in deptTexts)
        {
            if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deptId))
            {
                throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, $"无效的参数 dept_id_list: '{text}' is not a department id");
            }

            if (org.FindDepartment(deptId) is null)
            {
                invalidDepts.Add(deptId);
                continue;
            }

            recipients.AddRange(org.DepartmentAndBelow(deptId).SelectMany(org.MembersOf).Select(u => u.UserId));
        }

        if (toAll)
        {
            recipients.AddRange(org.Users.Select(u => u.UserId));
        }

        var task = store.Send(agentId, [.. recipients.Distinct(StringComparer.Ordinal)], invalidUsers, invalidDepts, msgType, msg, time.GetUtcNow());
        return DingTalkJson.OapiOk(new Dictionary<string, object?> { ["task_id"] = task.TaskId, ["request_id"] = DingTalkRequestIds.Of(context) });
    }

    /// <summary><c>{agent_id, task_id}</c> → <c>{progress:{progress_in_percent:100, status:2}}</c> (0 waiting, 1 running, 2 finished).</summary>
    private static async Task<IResult> ProgressAsync(HttpContext context, DingTalkOrg org, WorkNotificationStore store)
    {
        _ = FindTask(store, await ReadAsync(context), context, org);
        return DingTalkJson.OapiOk(new Dictionary<string, object?>
        {
            ["progress"] = new Dictionary<string, object?> { ["progress_in_percent"] = 100, ["status"] = 2 },
            ["request_id"] = DingTalkRequestIds.Of(context),
        });
    }

    /// <summary><c>{agent_id, task_id}</c> → <c>{send_result:{…}}</c>; nobody reads in the emulator, so delivered users are unread.</summary>
    private static async Task<IResult> ResultAsync(HttpContext context, DingTalkOrg org, WorkNotificationStore store)
    {
        var task = FindTask(store, await ReadAsync(context), context, org);
        return DingTalkJson.OapiOk(new Dictionary<string, object?>
        {
            ["send_result"] = new Dictionary<string, object?>
            {
                ["invalid_user_id_list"] = task.InvalidUsers,
                ["forbidden_user_id_list"] = task.ForbiddenUsers,
                ["failed_user_id_list"] = Array.Empty<string>(),
                ["read_user_id_list"] = Array.Empty<string>(),
                ["unread_user_id_list"] = task.Delivered,
                ["invalid_dept_id_list"] = task.InvalidDepts,
            },
            ["request_id"] = DingTalkRequestIds.Of(context),
        });
    }

    private static WorkNotificationTask FindTask(WorkNotificationStore store, JsonElement body, HttpContext context, DingTalkOrg org)
    {
        var agentId = CheckAgent(context, org, body);
        var taskId = body.RequiredOapiLong("task_id", 1, long.MaxValue);

        // Unsure: DingTalk's answer for a task id it does not know (or another app's).
        return store.Task(taskId) is { } task && task.AgentId == agentId
            ? task
            : throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, "无效的参数 task_id");
    }

    /// <summary>agent_id must be the calling app's agentId.</summary>
    private static long CheckAgent(HttpContext context, DingTalkOrg org, JsonElement body)
    {
        var agentId = body.RequiredOapiLong("agent_id", 0, long.MaxValue);
        return org.FindApp(context.DingTalkCaller().AppKey)?.AgentId == agentId
            ? agentId
            : throw DingTalkException.Oapi(DingTalkCodes.InvalidAgentId, "不合法的agentid");
    }

    /// <summary>"a,b,c" → [a, b, c] (DingTalk takes these lists as comma-separated strings).</summary>
    private static List<string> CommaList(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, $"无效的参数 {name}: a comma-separated string"),
        };
        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
    }

    private static async Task<JsonElement> ReadAsync(HttpContext context) =>
        await DingTalkBody.ReadObjectAsync(context.Request, _ => DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"))
        ?? throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json");

    /// <summary>How the control API shows a received notification.</summary>
    public static object View(WorkNotification notification) => new
    {
        taskId = notification.TaskId,
        agentId = notification.AgentId,
        msgtype = notification.MsgType,
        msg = notification.Msg,
        createAt = notification.CreatedAt.ToUnixTimeMilliseconds(),
    };
}
