using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.DingTalk.Workflow;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Control;

/// <summary>
/// Test control of the org's contacts under <c>/_emulator/dingtalk</c>, each change sent to the org's apps as DingTalk's
/// contact event (通讯录事件): <c>PUT users/{userId} {name, deptIds, mobile?, email?, title?, jobNumber?, orgEmail?}</c>
/// adds (<c>user_add_org</c>) or changes (<c>user_modify_org</c>) a person, <c>DELETE users/{userId}</c> removes them
/// (<c>user_leave_org</c>), <c>PUT departments/{deptId} {name, parentId, order?}</c> creates (<c>org_dept_create</c>) or
/// changes (<c>org_dept_modify</c>) a department and <c>DELETE departments/{deptId}</c> removes an empty one
/// (<c>org_dept_remove</c>). As on DingTalk, an event names only ids — <c>UserId</c> or <c>DeptId</c>, a list — with the
/// <c>TimeStamp</c> (ms) and <c>CorpId</c>: an app with an HTTP event subscription gets it there, encrypted
/// (<c>{"EventType","TimeStamp","CorpId","UserId":[…]}</c>); any other app by Stream, as an EVENT whose data has the same
/// fields in lower camel case (<c>{"timeStamp","userId":[…]}</c>, DingTalk's Stream format). Answers
/// <c>{"eventType", "deliveries": [{appKey, mode, id}]}</c>; refusals are 400/404 <c>{"code","message"}</c>.
/// </summary>
internal static class DingTalkContactControl
{
    public static void MapDingTalkContactControl(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator/dingtalk");
        control.MapPut("users/{userId}", PutUserAsync);
        control.MapDelete("users/{userId}", RemoveUserAsync);
        control.MapPut("departments/{deptId:long}", PutDepartmentAsync);
        control.MapDelete("departments/{deptId:long}", RemoveDepartmentAsync);
    }

    private static async Task<IResult> PutUserAsync(HttpContext context, [FromRoute] string userId, DingTalkOrg org, Sender sender)
    {
        var body = await ReadAsync(context);
        var name = body?.String("name");
        var deptIds = body is { } b && b.TryGetProperty("deptIds", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var id) ? id : 0).ToList()
            : null;
        if (userId.Length is 0 or > 64 || name is not { Length: > 0 } || deptIds is not { Count: > 0 } || deptIds.Contains(0))
        {
            return Refuse(400, "the body must be a JSON object {name, deptIds: [dept_id, …], mobile?, email?, title?, jobNumber?, orgEmail?}");
        }

        var old = org.FindUser(userId);
        var user = new DingTalkUser(
            userId, name, body?.String("mobile") ?? old?.Mobile ?? "", old?.UnionId ?? Ids.Stable(string.Empty, "dingtalk-union:" + userId, 28),
            body?.String("title") ?? old?.Title ?? "", body?.String("email") ?? old?.Email ?? "", deptIds)
        {
            JobNumber = body?.String("jobNumber") ?? old?.JobNumber ?? "",
            OrgEmail = body?.String("orgEmail") ?? old?.OrgEmail,
        };
        try
        {
            var added = org.PutUser(user);
            return await sender.SendAsync(added ? "user_add_org" : "user_modify_org", "UserId", [userId]);
        }
        catch (ArgumentException e)
        {
            return Refuse(400, e.Message);
        }
    }

    private static async Task<IResult> RemoveUserAsync([FromRoute] string userId, DingTalkOrg org, Sender sender, WorkflowStore workflows, WorkflowEvents workflowEvents)
    {
        if (!org.RemoveUser(userId))
        {
            return Refuse(404, $"no person has userid '{userId}'", "NotFound");
        }

        var answer = await sender.SendAsync("user_leave_org", "UserId", [userId]);

        // Their undecided approval tasks go to the approval admin, each with its bpms_task_change events.
        foreach (var change in workflows.HandOver(userId))
        {
            workflowEvents.Raise(change);
        }

        return answer;
    }

    private static async Task<IResult> PutDepartmentAsync(HttpContext context, [FromRoute] long deptId, DingTalkOrg org, Sender sender)
    {
        var body = await ReadAsync(context);
        var name = body?.String("name");
        long? parent = body is { } b && b.TryGetProperty("parentId", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var parentId) ? parentId : null;
        long order = body is { } o && o.TryGetProperty("order", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var value) ? value : 0;
        if (deptId <= DingTalkOrg.RootId || name is not { Length: > 0 } || parent is null)
        {
            return Refuse(400, $"the department id must be above {DingTalkOrg.RootId} (the root) and the body a JSON object {{name, parentId, order?}}");
        }

        var old = org.FindDepartment(deptId);
        try
        {
            var created = org.PutDepartment(new DingTalkDepartment(deptId, name, parent) { Order = order, ManagerUserIds = old?.ManagerUserIds ?? [] });
            return await sender.SendAsync(created ? "org_dept_create" : "org_dept_modify", "DeptId", [deptId.ToString(CultureInfo.InvariantCulture)]);
        }
        catch (ArgumentException e)
        {
            return Refuse(400, e.Message);
        }
    }

    private static async Task<IResult> RemoveDepartmentAsync([FromRoute] long deptId, DingTalkOrg org, Sender sender) =>
        org.RemoveDepartment(deptId) is { } problem
            ? Refuse(org.FindDepartment(deptId) is null ? 404 : 400, problem)
            : await sender.SendAsync("org_dept_remove", "DeptId", [deptId.ToString(CultureInfo.InvariantCulture)]);

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            return await DingTalkBody.ReadObjectAsync(context.Request, DingTalkException.InvalidParameter);
        }
        catch (DingTalkException)
        {
            return null;
        }
    }

    private static IResult Refuse(int status, string message, string code = DingTalkCodes.InvalidParameter) =>
        Results.Json(new { code, message }, DingTalkJson.Options, DingTalkJson.ContentType, status);

    /// <summary>Sends a contact event to every app of the org, by its HTTP event subscription if it has one, else by Stream.</summary>
    internal sealed class Sender(DingTalkOrg org, CallbackSettingsStore subscriptions, CallbackSender callbacks, DingTalkStreamHub stream, TimeProvider time)
    {
        /// <summary>Sends <paramref name="eventType"/> naming <paramref name="ids"/> in its <paramref name="field"/> list (<c>UserId</c> or <c>DeptId</c>).</summary>
        public async Task<IResult> SendAsync(string eventType, string field, IReadOnlyList<string> ids)
        {
            var at = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            var deliveries = new List<object>();
            foreach (var app in org.Apps)
            {
                var settings = subscriptions.Get(app.AppKey);
                if (settings.EventUrl is not null)
                {
                    var plaintext = new JsonObject
                    {
                        ["EventType"] = eventType,
                        ["TimeStamp"] = at,
                        ["CorpId"] = org.CorpId,
                        [field] = new JsonArray([.. ids.Select(id => (JsonNode?)JsonValue.Create(id))]),
                    };
                    deliveries.Add(new { appKey = app.AppKey, mode = "http", id = callbacks.StartEvent(settings, app.AppKey, eventType, plaintext.ToJsonString()) });
                    continue;
                }

                var data = new JsonObject
                {
                    ["timeStamp"] = at,
                    [char.ToLowerInvariant(field[0]) + field[1..]] = new JsonArray([.. ids.Select(id => (JsonNode?)JsonValue.Create(id))]),
                };
                var push = await stream.PushEventAsync(app.AppKey, eventType, data.ToJsonString());
                deliveries.Add(new { appKey = app.AppKey, mode = "stream", id = push.MessageId });
            }

            return DingTalkJson.Ok(new { eventType, deliveries });
        }
    }
}
