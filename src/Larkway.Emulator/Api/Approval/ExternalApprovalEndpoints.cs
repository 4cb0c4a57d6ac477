using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Approval;

/// <summary>
/// Third-party approvals (§7.5): the business system owns the process and syncs its instances into
/// the approval center. <c>update_mode=REPLACE</c> (default) replaces the stored instance;
/// <c>UPDATE</c> applies the instance only when its <c>update_time</c> is newer than the stored one, and
/// each task only when its own <c>update_time</c> is newer — so a late, out-of-order sync cannot undo a
/// newer state. <c>check</c> reports the instances whose stored update_time differs from the caller's.
/// </summary>
internal static class ExternalApprovalEndpoints
{
    private const int Invalid = ApprovalWire.Invalid;
    private static readonly string[] InstanceStatuses = ["PENDING", "APPROVED", "REJECTED", "CANCELED", "DELETED", "HIDDEN", "TERMINATED"];
    private static readonly string[] TaskStatuses = ["PENDING", "APPROVED", "REJECTED", "TRANSFERRED", "DONE"];

    public static void MapExternalApprovalEndpoints(this IEndpointRouteBuilder routes)
    {
        var v4 = routes.MapGroup("/open-apis/approval/v4").AsOpenApi();
        v4.MapPost("external_approvals", CreateDefinitionAsync);
        v4.MapGet("external_approvals/{approval_code}", GetDefinition);
        v4.MapPost("external_instances", SyncAsync);
        v4.MapPost("external_instances/check", CheckAsync);
        v4.MapGet("external_tasks", ListTasks);
    }

    private static async Task<IResult> CreateDefinitionAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var code = body.RequiredString("approval_code", Invalid);
        if (code.Length > 128)
        {
            throw ApiErrorException.BadRequest(Invalid, "approval_code is at most 128 characters");
        }

        var name = body.RequiredString("approval_name", Invalid);
        if (!body.TryGetProperty("external", out var external) || external.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrorException.BadRequest(Invalid, "field 'external' is required: {biz_name, support_pc, support_mobile, …}");
        }

        var supportPc = external.OptionalBool("support_pc", Invalid) ?? false;
        var supportMobile = external.OptionalBool("support_mobile", Invalid) ?? false;
        if (!supportPc && !supportMobile)
        {
            throw ApiErrorException.BadRequest(Invalid, "external.support_pc and external.support_mobile cannot both be false");
        }

        var definition = new ExternalDefinition(code, name, body.OptionalString("group_code", Invalid), body.OptionalString("group_name", Invalid),
            external.OptionalString("biz_name", Invalid) ?? string.Empty, supportPc, supportMobile, external.OptionalString("action_callback_url", Invalid), context.CallerApp().AppId)
        {
            Echo = new ExternalDefinitionEcho(body.OptionalString("description", Invalid), WithoutSecrets(external), Part(body, "viewers"), Part(body, "i18n_resources"), Part(body, "managers")),
        };
        store.Change(_ =>
        {
            store.PutExternalDefinition(definition);
            return true;
        });
        return Envelope.Ok(new { approval_code = code });
    }

    private static IResult GetDefinition([FromRoute(Name = "approval_code")] string code, ApprovalStore store)
    {
        var definition = store.Read(() => store.FindExternalDefinition(code)) ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalCodeNotFound, $"external approval code '{code}' not found");
        return Envelope.Ok(new
        {
            approval_name = definition.Name,
            approval_code = definition.Code,
            group_code = definition.GroupCode,
            group_name = definition.GroupName,
            description = definition.Echo.Description,
            external = definition.Echo.External ?? JsonSerializer.SerializeToElement(new { biz_name = definition.BizName, support_pc = definition.SupportPc, support_mobile = definition.SupportMobile, action_callback_url = definition.ActionCallbackUrl }),
            viewers = definition.Echo.Viewers,
            i18n_resources = definition.Echo.I18nResources,
            managers = definition.Echo.Managers,
        });
    }

    // The callback token and key are secrets: stored for callbacks, never echoed.
    private static JsonElement WithoutSecrets(JsonElement external)
    {
        var copy = JsonNode.Parse(external.GetRawText())!.AsObject();
        copy.Remove("action_callback_token");
        copy.Remove("action_callback_key");
        return JsonSerializer.SerializeToElement(copy);
    }

    private static JsonElement? Part(JsonElement body, string name) =>
        body.TryGetProperty(name, out var part) && part.ValueKind != JsonValueKind.Null ? part.Clone() : null;

    private static async Task<IResult> SyncAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var idType = ApprovalWire.UserIdType(context);
        var approvalCode = body.RequiredString("approval_code", Invalid);
        var instanceId = body.RequiredString("instance_id", Invalid);
        var status = OneOf(body.RequiredString("status", Invalid), InstanceStatuses, "status");
        var mode = body.OptionalString("update_mode", Invalid) ?? "REPLACE";
        if (mode is not ("REPLACE" or "UPDATE"))
        {
            throw ApiErrorException.BadRequest(Invalid, "update_mode must be REPLACE or UPDATE");
        }

        if (!body.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Object || links.OptionalString("pc_link", Invalid) is null)
        {
            throw ApiErrorException.BadRequest(Invalid, "links.pc_link is required");
        }

        _ = RequiredMs(body, "start_time");
        _ = RequiredMs(body, "end_time");
        var updateTime = RequiredMs(body, "update_time");
        if (!body.TryGetProperty("i18n_resources", out var i18n) || i18n.ValueKind != JsonValueKind.Array || i18n.GetArrayLength() == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "i18n_resources is required");
        }

        var openId = body.OptionalString("open_id", Invalid) is { } o ? ApprovalActions.User(context.CallerIds(store.State), "open_id", o, "open_id").OpenId
            : body.OptionalString("user_id", Invalid) is { } u ? ApprovalActions.User(context.CallerIds(store.State), "user_id", u, "user_id").OpenId : null;
        var tasks = ReadTasks(body, context.CallerIds(store.State), idType);
        var raw = JsonNode.Parse(body.GetRawText())!.AsObject();
        var echoed = store.Change(_ =>
        {
            if (store.FindExternalDefinition(approvalCode) is null)
            {
                throw ApiErrorException.BadRequest(ErrorCodes.ApprovalCodeNotFound, $"external approval code '{approvalCode}' not found; create it with POST /open-apis/approval/v4/external_approvals");
            }

            var existing = store.FindExternalInstance(approvalCode, instanceId);
            if (existing is null || mode == "REPLACE")
            {
                var fresh = new ExternalInstance { ApprovalCode = approvalCode, InstanceId = instanceId, Status = status, UpdateTime = updateTime, Title = body.OptionalString("title", Invalid) ?? string.Empty, OpenId = openId, Raw = raw };
                foreach (var task in tasks)
                {
                    fresh.Tasks[task.TaskId] = task;
                }

                store.PutExternalInstance(fresh);
                return fresh.Raw.ToJsonString();
            }

            // UPDATE: only newer data applies, instance and each task on its own update_time.
            if (updateTime > existing.UpdateTime)
            {
                existing.Status = status;
                existing.UpdateTime = updateTime;
                existing.Title = body.OptionalString("title", Invalid) ?? existing.Title;
                existing.OpenId = openId ?? existing.OpenId;
                existing.Raw = raw;
            }

            foreach (var task in tasks)
            {
                if (!existing.Tasks.TryGetValue(task.TaskId, out var stored) || task.UpdateTime > stored.UpdateTime)
                {
                    existing.Tasks[task.TaskId] = task;
                }
            }

            return existing.Raw.ToJsonString();
        });
        return Envelope.Ok(new { data = JsonDocument.Parse(echoed).RootElement });
    }

    private static List<ExternalTask> ReadTasks(JsonElement body, AppUserIds ids, string idType)
    {
        var tasks = new List<ExternalTask>();
        if (!body.TryGetProperty("task_list", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return tasks;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > 300)
        {
            throw ApiErrorException.BadRequest(Invalid, "task_list must be an array of at most 300 tasks");
        }

        foreach (var item in list.EnumerateArray())
        {
            var taskId = item.ValueKind == JsonValueKind.Object ? item.RequiredString("task_id", Invalid) : throw ApiErrorException.BadRequest(Invalid, "task_list items must be objects");
            var status = OneOf(item.RequiredString("status", Invalid), TaskStatuses, $"task '{taskId}' status");
            if (!item.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrorException.BadRequest(Invalid, $"task '{taskId}' links is required");
            }

            _ = RequiredMs(item, "create_time");
            _ = RequiredMs(item, "end_time");
            var openId = item.OptionalString("open_id", Invalid) is { } o ? ApprovalActions.User(ids, "open_id", o, "open_id").OpenId
                : item.OptionalString("user_id", Invalid) is { } u ? ApprovalActions.User(ids, idType == "open_id" ? "user_id" : idType, u, "user_id").OpenId : null;
            tasks.Add(new ExternalTask(taskId, openId, status, ApprovalWire.OptionalMs(item, "update_time") ?? 0, item.OptionalString("title", Invalid)));
        }

        return tasks;
    }

    private static async Task<IResult> CheckAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        if (!body.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
        {
            throw ApiErrorException.BadRequest(Invalid, "instances is required: [{instance_id, update_time, tasks: [{task_id, update_time}]}]");
        }

        var diffs = store.Read(() =>
        {
            var result = new List<object>();
            foreach (var item in instances.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw ApiErrorException.BadRequest(Invalid, "instances[] items must be objects {instance_id, update_time, tasks}");
                }

                var instanceId = item.RequiredString("instance_id", Invalid);
                var updateTime = RequiredMs(item, "update_time");
                var stored = store.ExternalInstances.FirstOrDefault(i => i.InstanceId == instanceId);
                var taskDiffs = new List<object>();
                if (item.TryGetProperty("tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array)
                {
                    foreach (var task in tasks.EnumerateArray())
                    {
                        if (task.ValueKind != JsonValueKind.Object)
                        {
                            throw ApiErrorException.BadRequest(Invalid, $"instances[].tasks[] of '{instanceId}' must be objects {{task_id, update_time}}");
                        }

                        var taskId = task.RequiredString("task_id", Invalid);
                        var taskTime = RequiredMs(task, "update_time");
                        if (stored is null || !stored.Tasks.TryGetValue(taskId, out var storedTask) || storedTask.UpdateTime != taskTime)
                        {
                            taskDiffs.Add(new { task_id = taskId, update_time = ApprovalWire.Ms(stored?.Tasks.GetValueOrDefault(taskId)?.UpdateTime ?? 0) });
                        }
                    }
                }

                if (stored is null || stored.UpdateTime != updateTime || taskDiffs.Count > 0)
                {
                    result.Add(new { instance_id = instanceId, update_time = ApprovalWire.Ms(stored?.UpdateTime ?? 0), tasks = taskDiffs });
                }
            }

            return result;
        });
        return Envelope.Ok(new { diff_instances = diffs });
    }

    /// <summary>
    /// The external_tasks page takes its filters in the request body of the GET (approval_codes, instance_ids,
    /// user_ids, and status — a task status); query parameters are read too, for callers that cannot send a GET body.
    /// </summary>
    private static async Task<IResult> ListTasks(HttpContext context, ApprovalStore store)
    {
        var pageSize = context.Request.QueryInt("page_size", 50, 1, 500, Invalid);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var codes = Filter(context, body, "approval_codes", 20);
        var ids = Filter(context, body, "instance_ids", 20);
        var users = Filter(context, body, "user_ids", int.MaxValue).Select(u => context.CallerIds(store.State).Find(ApprovalWire.UserIdType(context), u)?.OpenId ?? u).ToHashSet(StringComparer.Ordinal);
        var status = (body.ValueKind == JsonValueKind.Object ? body.OptionalString("status", Invalid) : null) ?? context.Request.Query("status");
        if (status is not null)
        {
            OneOf(status, TaskStatuses, "status");
        }

        bool TaskMatches(ExternalTask t) => (status is null || t.Status == status) && (users.Count == 0 || (t.OpenId is not null && users.Contains(t.OpenId)));
        var rows = store.Read(() => store.ExternalInstances
            .Where(i => (codes.Count == 0 || codes.Contains(i.ApprovalCode)) && (ids.Count == 0 || ids.Contains(i.InstanceId))
                && ((status is null && users.Count == 0) || i.Tasks.Values.Any(TaskMatches)))
            .OrderBy(i => i.ApprovalCode, StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)
            .Select(i => (Key: i.ApprovalCode + "\u0001" + i.InstanceId, View: (object)new
            {
                instance_id = i.InstanceId,
                approval_code = i.ApprovalCode,
                status = i.Status,
                update_time = ApprovalWire.Ms(i.UpdateTime),
                tasks = i.Tasks.Values.OrderBy(t => t.TaskId, StringComparer.Ordinal).Select(t => new { id = t.TaskId, status = t.Status, title = t.Title, open_id = t.OpenId is null ? null : ApprovalWire.Id(context.CallerIds(store.State), t.OpenId, "open_id"), update_time = ApprovalWire.Ms(t.UpdateTime) }),
            })).ToList());
        var page = Paging.Slice(rows, r => r.Key, false, context.Request.Query("page_token"), pageSize, "external-tasks", Invalid);
        return Envelope.Ok(new { data = page.Items.Select(r => r.View), has_more = page.HasMore, page_token = page.PageToken });
    }

    private static HashSet<string> Filter(HttpContext context, JsonElement body, string name, int max)
    {
        var values = (body.ValueKind == JsonValueKind.Object ? body.OptionalStringArray(name, Invalid) : null)
            ?? [.. context.Request.Query[name].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
        return values.Count <= max ? values.ToHashSet(StringComparer.Ordinal) : throw ApiErrorException.BadRequest(Invalid, $"{name} takes at most {max} values");
    }

    private static string OneOf(string value, string[] allowed, string field) =>
        allowed.Contains(value, StringComparer.Ordinal) ? value : throw ApiErrorException.BadRequest(Invalid, $"{field} '{value}' is not one of {string.Join(", ", allowed)}");

    private static long RequiredMs(JsonElement body, string name) =>
        ApprovalWire.OptionalMs(body, name) ?? throw ApiErrorException.BadRequest(Invalid, $"{name} is required (ms timestamp; \"0\" when not ended)");
}
