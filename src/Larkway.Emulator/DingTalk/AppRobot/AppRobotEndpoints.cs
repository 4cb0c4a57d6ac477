using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>
/// The app robot on the new API (token header): one-to-one batchSend and group send, and their recalls. The robotCode is
/// the calling app's appKey; every other robotCode is refused as the documented <c>invalidParameter.robotCode.auth</c>.
/// Checks run in the order robotCode, recipients, msgKey, msgParam.
/// </summary>
internal static class AppRobotEndpoints
{
    /// <summary>Documented: "每次最多传20个".</summary>
    public const int MaxUsersPerBatch = 20;

    /// <summary>Documented for otoMessages/batchRecall: up to 20 keys per call (applied to group recall too; unsure).</summary>
    public const int MaxRecallKeys = 20;

    /// <summary>
    /// Unsure: seen as <c>invalid.openConversationId</c> in a copy of the robot read-status API's error table; the send
    /// page's own table does not list an unknown group.
    /// </summary>
    public const string InvalidConversation = "invalid.openConversationId";

    public static void MapDingTalkAppRobot(this IEndpointRouteBuilder routes)
    {
        const string robot = DingTalkApiExtensions.Prefix + "/v1.0/robot";
        routes.MapPost(robot + "/oToMessages/batchSend", BatchSendAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(robot + "/groupMessages/send", GroupSendAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(robot + "/otoMessages/batchRecall", BatchRecallAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(robot + "/groupMessages/recall", GroupRecallAsync).AsDingTalk(DingTalkFamily.Api);
    }

    /// <summary>
    /// <c>{robotCode, userIds[], msgKey, msgParam}</c> → <c>{processQueryKey, invalidStaffIdList, flowControlledStaffIdList}</c>.
    /// Unknown users and flow-controlled users are listed, not refused (HTTP 200); the others get the message.
    /// </summary>
    private static async Task<IResult> BatchSendAsync(HttpContext context, DingTalkOrg org, AppRobotStore store, AppRobotFlowControl flow, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var robotCode = CheckRobotCode(context, org, body);
        var userIds = UserIds(body);
        var param = RobotMsgKeys.Parse(body);
        var msgKey = body.String("msgKey")!;

        var invalid = new List<string>();
        var flowControlled = new List<string>();
        var delivered = new List<AppRobotMessage>();
        var key = NewProcessQueryKey();
        var now = time.GetUtcNow();
        foreach (var userId in userIds)
        {
            if (org.FindUser(userId) is null)
            {
                invalid.Add(userId);
            }
            else if (!flow.TryAcquire(robotCode, userId))
            {
                flowControlled.Add(userId);
            }
            else
            {
                delivered.Add(new AppRobotMessage(key, robotCode, userId, null, msgKey, param, now));
            }
        }

        store.Append(delivered);
        return DingTalkJson.Ok(new { processQueryKey = key, invalidStaffIdList = invalid, flowControlledStaffIdList = flowControlled });
    }

    /// <summary><c>{robotCode, openConversationId, msgKey, msgParam, coolAppCode?}</c> → <c>{processQueryKey}</c>.</summary>
    private static async Task<IResult> GroupSendAsync(HttpContext context, DingTalkOrg org, RobotStore groups, AppRobotStore store, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var robotCode = CheckRobotCode(context, org, body);
        var conversationId = Conversation(body, groups);
        var param = RobotMsgKeys.Parse(body);
        var key = NewProcessQueryKey();
        store.Append([new AppRobotMessage(key, robotCode, null, conversationId, body.String("msgKey")!, param, time.GetUtcNow())]);
        return DingTalkJson.Ok(new { processQueryKey = key });
    }

    /// <summary><c>{robotCode, processQueryKeys[]}</c> → <c>{successResult[], failedResult{key: reason}}</c> (one-to-one messages).</summary>
    private static async Task<IResult> BatchRecallAsync(HttpContext context, DingTalkOrg org, AppRobotStore store, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var robotCode = CheckRobotCode(context, org, body);
        var keys = ProcessQueryKeys(body);
        var (recalled, failed) = store.Recall(keys, m => m.UserId is not null && m.RobotCode == robotCode, time.GetUtcNow());
        return DingTalkJson.Ok(new { successResult = recalled, failedResult = failed });
    }

    /// <summary><c>{openConversationId, robotCode, processQueryKeys[]}</c> → the same answer, for that group's messages.</summary>
    private static async Task<IResult> GroupRecallAsync(HttpContext context, DingTalkOrg org, RobotStore groups, AppRobotStore store, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var robotCode = CheckRobotCode(context, org, body);
        var conversationId = Conversation(body, groups);
        var keys = ProcessQueryKeys(body);
        var (recalled, failed) = store.Recall(keys, m => m.ConversationId == conversationId && m.RobotCode == robotCode, time.GetUtcNow());
        return DingTalkJson.Ok(new { successResult = recalled, failedResult = failed });
    }

    /// <summary>The robotCode must be the calling app's (an internal app's robotCode is its appKey).</summary>
    private static string CheckRobotCode(HttpContext context, DingTalkOrg org, JsonElement body)
    {
        var robotCode = body.String("robotCode") ?? throw DingTalkException.Api(400, "invalidParameter.robotCode.empty", "robotCode is empty.");
        var app = org.FindApp(context.DingTalkCaller().AppKey);
        return app is not null && app.RobotCode == robotCode
            ? robotCode
            : throw DingTalkException.Api(400, "invalidParameter.robotCode.auth", "This app's appkey does not match the robot's robotCode; use the appkey of the robot's app.");
    }

    private static List<string> UserIds(JsonElement body)
    {
        if (body.TryGetProperty("userIds", out var list) && list.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            throw DingTalkException.Api(400, "invalidParameter.param.invalid", "userIds must be an array of strings.");
        }

        var ids = list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).Where(id => !string.IsNullOrEmpty(id)).Select(id => id!).Distinct(StringComparer.Ordinal)]
            : new List<string>();
        return ids.Count switch
        {
            0 => throw DingTalkException.Api(400, "invalidParameter.userIds.empty", "The userIds list is empty."),
            > MaxUsersPerBatch => throw DingTalkException.Api(400, "invalidParameter.userIds.overMax", $"The userIds list exceeds the maximum of {MaxUsersPerBatch}."),
            _ => ids,
        };
    }

    private static string Conversation(JsonElement body, RobotStore groups)
    {
        var conversationId = body.String("openConversationId") ?? throw DingTalkException.InvalidParameter("openConversationId is mandatory for this action.");
        return groups.Conversation(conversationId) is not null
            ? conversationId
            : throw DingTalkException.Api(400, InvalidConversation, "无效的openConversationId");
    }

    private static List<string> ProcessQueryKeys(JsonElement body)
    {
        var keys = body.TryGetProperty("processQueryKeys", out var list) && list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? list.EnumerateArray().Select(e => e.GetString()!).Where(k => k.Length > 0).ToList()
            : [];
        return keys.Count switch
        {
            0 => throw DingTalkException.Api(400, "invalidParameter.processQueryKeys.empty", "processQueryKeys must be a non-empty array of strings."),
            > MaxRecallKeys => throw DingTalkException.Api(400, "invalidParameter.processQueryKeys.overMax", $"processQueryKeys holds at most {MaxRecallKeys} keys."),
            _ => keys,
        };
    }

    /// <summary>Opaque and unique per send (DingTalk's look like long base64/hex strings).</summary>
    private static string NewProcessQueryKey() => Ids.Hex(40);

    /// <summary>How the control API shows a delivered message.</summary>
    public static object View(AppRobotMessage message) => new
    {
        processQueryKey = message.ProcessQueryKey,
        robotCode = message.RobotCode,
        userId = message.UserId,
        openConversationId = message.ConversationId,
        msgKey = message.MsgKey,
        msgParam = message.MsgParam,
        createAt = message.CreatedAt.ToUnixTimeMilliseconds(),
        recalled = message.RecalledAt is not null,
        recalledAt = message.RecalledAt?.ToUnixTimeMilliseconds(),
    };
}
