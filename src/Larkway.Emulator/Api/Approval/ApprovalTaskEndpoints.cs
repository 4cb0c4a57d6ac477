using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Approval;

/// <summary>
/// Approval tasks (§7.3): approve, reject, transfer, resubmit — only by the task's assignee (1390009)
/// and only while PENDING (1390010) — and the two task listings.
/// </summary>
internal static class ApprovalTaskEndpoints
{
    private const int Invalid = ApprovalWire.Invalid;

    private enum TaskAction
    {
        Approve,
        Reject,
        Transfer,
        Resubmit,
    }

    public static void MapApprovalTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/open-apis/approval/v4/tasks").AsOpenApi();
        tasks.MapPost("approve", (HttpContext context, ApprovalStore store) => ActAsync(context, store, TaskAction.Approve));
        tasks.MapPost("reject", (HttpContext context, ApprovalStore store) => ActAsync(context, store, TaskAction.Reject));
        tasks.MapPost("transfer", (HttpContext context, ApprovalStore store) => ActAsync(context, store, TaskAction.Transfer));
        tasks.MapPost("resubmit", (HttpContext context, ApprovalStore store) => ActAsync(context, store, TaskAction.Resubmit));
        tasks.MapPost("search", SearchAsync);
        tasks.MapGet("query", Query);
    }

    private static async Task<IResult> ActAsync(HttpContext context, ApprovalStore store, TaskAction action)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var idType = ApprovalWire.UserIdType(context);
        var approvalCode = body.RequiredString("approval_code", Invalid);
        var instanceCode = body.RequiredString("instance_code", Invalid);
        var user = ApprovalWire.User(context.CallerIds(store.State), idType, body, "user_id");
        var taskId = body.RequiredString("task_id", Invalid);
        var comment = body.OptionalString("comment", Invalid);
        var target = action == TaskAction.Transfer ? ApprovalWire.User(context.CallerIds(store.State), idType, body, "transfer_user_id") : null;
        var form = action == TaskAction.Resubmit ? body.RequiredString("form", Invalid) : null;
        store.Change(tx =>
        {
            var instance = ApprovalActions.InstanceOf(store, instanceCode, approvalCode);
            var task = ApprovalActions.PendingTaskOf(instance, taskId, user.OpenId);
            switch (action)
            {
                case TaskAction.Approve:
                    tx.Approve(instance, task, comment);
                    break;
                case TaskAction.Reject:
                    tx.Reject(instance, task, comment);
                    break;
                case TaskAction.Transfer:
                    if (target!.OpenId == user.OpenId)
                    {
                        throw ApiErrorException.BadRequest(Invalid, "transfer_user_id is the task's own assignee; name another user");
                    }

                    tx.Transfer(instance, task, target.OpenId, comment);
                    break;
                default:
                    if (task.NodeIndex >= 0)
                    {
                        throw ApiErrorException.BadRequest(Invalid, "only a task returned to the submitter (rolled back to START) can be resubmitted");
                    }

                    FormValidator.Validate(form, store.Definition(instance.ApprovalCode).Widgets, store.State);
                    instance.Form = form!;
                    tx.Approve(instance, task, comment);
                    break;
            }

            return true;
        });
        return Envelope.Ok();
    }

    /// <summary>task_status names of the search page; PROCESSED is any finished task.</summary>
    private static bool StatusMatches(string? filter, string status) => filter switch
    {
        null or "ALL" => true,
        "PROCESSED" => status != ApprovalStatus.Pending,
        _ => filter == status,
    };

    private static async Task<IResult> SearchAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var idType = ApprovalWire.UserIdType(context);
        var (user, approvalCode, instanceCode) = ApprovalInstanceEndpoints.SearchScope(body, context.CallerIds(store.State), idType);
        var status = body.OptionalString("task_status", Invalid);
        var (from, to) = ApprovalInstanceEndpoints.Window(body, "task_start_time_from", "task_start_time_to");
        var pageSize = context.Request.QueryInt("page_size", 10, 1, 200, Invalid);
        var rows = store.Read(() => store.Instances
            .Where(i => (approvalCode is null || i.ApprovalCode == approvalCode) && (instanceCode is null || i.Code == instanceCode))
            .SelectMany(i => i.Tasks.Select(t => (Instance: i, Task: t)))
            .Where(x => (user is null || x.Task.OpenId == user.OpenId) && StatusMatches(status, x.Task.Status) && (from is null || (x.Task.StartTime >= from && x.Task.StartTime <= to)))
            .OrderBy(x => x.Task.StartTime).ThenBy(x => x.Task.Id, StringComparer.Ordinal)
            .Select(x => (Key: x.Task.StartTime.ToString("D15", CultureInfo.InvariantCulture) + ":" + x.Task.Id, View: (object)new
            {
                approval = new { code = x.Instance.ApprovalCode, name = store.Definition(x.Instance.ApprovalCode).Name },
                instance = new { code = x.Instance.Code, user_id = ApprovalWire.Id(context.CallerIds(store.State), x.Instance.ApplicantOpenId, idType), status = x.Instance.Status, start_time = ApprovalWire.Ms(x.Instance.StartTime), end_time = ApprovalWire.Ms(x.Instance.EndTime), serial_id = x.Instance.SerialNumber },
                task = new { task_id = x.Task.Id, user_id = ApprovalWire.Id(context.CallerIds(store.State), x.Task.OpenId, idType), status = x.Task.Status, node_id = x.Task.NodeId, node_name = x.Task.NodeName, start_time = ApprovalWire.Ms(x.Task.StartTime), end_time = ApprovalWire.Ms(x.Task.EndTime) },
            })).ToList());
        var page = Paging.Slice(rows, r => r.Key, false, context.Request.Query("page_token"), pageSize, "approval-task-search", Invalid);
        return Envelope.Ok(new { count = rows.Count, task_list = page.Items.Select(r => r.View), has_more = page.HasMore, page_token = page.PageToken });
    }

    /// <summary>A user's task list by topic: 1 to do, 2 done, 3 started by them, 17/18 cc'd (unread/read — the emulator has no read state, both list all).</summary>
    private static IResult Query(HttpContext context, ApprovalStore store)
    {
        var idType = ApprovalWire.UserIdType(context);
        var userId = context.Request.Query("user_id") ?? throw ApiErrorException.BadRequest(Invalid, "user_id is required");
        var user = ApprovalActions.User(context.CallerIds(store.State), idType, userId, "user_id");
        var topic = context.Request.Query("topic") ?? throw ApiErrorException.BadRequest(Invalid, "topic is required: 1 (todo), 2 (done), 3 (started), 17 (unread cc), 18 (read cc)");
        if (topic is not ("1" or "2" or "3" or "17" or "18"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"topic '{topic}' is not one of 1, 2, 3, 17, 18");
        }

        var pageSize = context.Request.QueryInt("page_size", 100, 1, 200, Invalid);
        var rows = store.Read(() => TopicRows(store, context.CallerIds(store.State), user, topic, idType));
        var page = Paging.Slice(rows, r => r.Key, false, context.Request.Query("page_token"), pageSize, "approval-task-query:" + topic, Invalid);
        return Envelope.Ok(new
        {
            tasks = page.Items.Select(r => r.View),
            has_more = page.HasMore,
            page_token = page.PageToken,
            count = new { total = Math.Min(rows.Count, 999), has_more = rows.Count > 999 },
        });
    }

    private static List<(string Key, object View)> TopicRows(ApprovalStore store, AppUserIds ids, EmulatorUser user, string topic, string idType)
    {
        IEnumerable<(ApprovalInstance Instance, ApprovalTask? Task, long Time)> rows = topic switch
        {
            "1" => store.Instances.SelectMany(i => i.Tasks.Where(t => t.OpenId == user.OpenId && t.Status == ApprovalStatus.Pending).Select(t => (i, (ApprovalTask?)t, t.StartTime))),
            "2" => store.Instances.SelectMany(i => i.Tasks.Where(t => t.OpenId == user.OpenId && t.Status is ApprovalStatus.Approved or ApprovalStatus.Rejected or ApprovalStatus.Transferred).Select(t => (i, (ApprovalTask?)t, t.StartTime))),
            "3" => store.Instances.Where(i => i.ApplicantOpenId == user.OpenId).Select(i => (i, (ApprovalTask?)null, i.StartTime)),
            _ => store.Instances.SelectMany(i => i.Cc.Where(c => c.OpenId == user.OpenId).Select(c => (i, (ApprovalTask?)null, c.Time))),
        };
        return [.. rows.OrderBy(r => r.Time).Select(r =>
        {
            var definition = store.Definition(r.Instance.ApprovalCode);
            var id = r.Task?.Id ?? r.Instance.Code;
            return (r.Time.ToString("D15", CultureInfo.InvariantCulture) + ":" + id, (object)new
            {
                topic,
                user_id = ApprovalWire.Id(ids, user.OpenId, idType),
                title = r.Instance.Title ?? definition.Name,
                urls = new { pc = "/approvals/" + r.Instance.Code, mobile = "/approvals/" + r.Instance.Code },
                status = r.Task?.Status ?? r.Instance.Status,
                process_status = r.Instance.Status,
                definition_code = definition.Code,
                definition_name = definition.Name,
                initiators = new[] { ApprovalWire.Id(ids, r.Instance.ApplicantOpenId, idType) },
                task_id = r.Task?.Id,
                process_id = r.Instance.Code,
                process_code = r.Instance.Code,
            });
        })];
    }
}
