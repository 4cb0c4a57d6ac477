using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Workflow;

/// <summary>
/// OA approvals on the new API (<c>/v1.0/workflow/…</c>): start, read, execute a task, terminate, comment, list ids
/// by template and time, read a template's form schema. Each change raises <c>bpms_instance_change</c> /
/// <c>bpms_task_change</c> to the app that started the instance (HTTP when it subscribed a URL, else Stream).
/// </summary>
internal static class WorkflowEndpoints
{
    /// <summary>DingTalk's page size limit for the id listing.</summary>
    public const int MaxListResults = 20;

    public static void MapDingTalkWorkflow(this IEndpointRouteBuilder routes)
    {
        const string instances = DingTalkApiExtensions.Prefix + "/v1.0/workflow/processInstances";
        routes.MapPost(instances, StartAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapGet(instances, Get).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(instances + "/execute", ExecuteAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(instances + "/terminate", TerminateAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(instances + "/comments", CommentAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/workflow/processes/instanceIds/query", ListIdsAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapGet(DingTalkApiExtensions.Prefix + "/v1.0/workflow/forms/schemas/processCodes", Schema).AsDingTalk(DingTalkFamily.Api);
    }

    /// <summary><c>{processCode, originatorUserId, deptId?, formComponentValues[{name, value, id?, componentType?}], approvers?, ccList?}</c> → <c>{instanceId}</c>.</summary>
    private static async Task<IResult> StartAsync(HttpContext context, DingTalkOrg org, WorkflowStore store, WorkflowEvents events)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var code = body.RequiredApiString("processCode");
        var originatorId = body.RequiredApiString("originatorUserId");
        var definition = store.Definition(code)
            ?? throw DingTalkException.Api(400, WorkflowCodes.ProcessCodeError, $"获取审批模板失败或者模板已被删除: processCode '{code}' is not an approval template of this org.");
        var originator = org.FindUser(originatorId)
            ?? throw DingTalkException.Api(400, WorkflowCodes.InstanceInvalidParameter, $"审批实例参数错误: originatorUserId '{originatorId}' is not a member of this org.");
        var deptId = body.TryGetProperty("deptId", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var dept) ? dept : originator.DeptIds.FirstOrDefault(1);
        // -1 names the root department in this API (the contacts API's 1).
        if (deptId is not (1 or -1) && !originator.DeptIds.Contains(deptId))
        {
            throw DingTalkException.Api(400, WorkflowCodes.InstanceInvalidParameter, $"审批实例参数错误: originator '{originatorId}' is not in department {deptId}.");
        }

        var form = ReadForm(body);
        foreach (var component in definition.Components.Where(c => c.Required))
        {
            if (!form.Any(v => (v.Id == component.Id || v.Name == component.Label) && v.Value.Length > 0))
            {
                throw DingTalkException.Api(400, WorkflowCodes.FormConverterError, $"表单数据校验失败,失败控件:{component.Label} (the required component '{component.Label}' has no value).");
            }
        }

        var unknown = form.FirstOrDefault(v => !definition.Components.Any(c => c.Id == v.Id || c.Label == v.Name));
        if (unknown is not null)
        {
            throw DingTalkException.Api(400, WorkflowCodes.FormConverterError, $"表单数据校验失败,失败控件:{unknown.Name} (the template has no component named '{unknown.Name}').");
        }

        var approvers = ReadApprovers(body, org) ?? definition.DefaultApprovers;
        var cc = body.TryGetProperty("ccList", out var ccList) && ccList.ValueKind == JsonValueKind.Array ? ccList.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
        var change = store.Start(context.DingTalkCaller().AppKey, definition, originatorId, originator.Name, deptId, form, approvers, cc);
        events.Raise(change);
        return DingTalkJson.Ok(new { instanceId = change.Instance.Id });
    }

    /// <summary><c>?processInstanceId=</c> → <c>{success, result:{title, status, result, tasks, operationRecords, formComponentValues…}}</c>.</summary>
    private static IResult Get(HttpContext context, WorkflowStore store)
    {
        var id = context.Request.Query["processInstanceId"].ToString();
        if (id.Length == 0)
        {
            throw DingTalkException.InvalidParameter("processInstanceId is mandatory for this action.");
        }

        var instance = store.Find(id) is { } found && found.AppKey == context.DingTalkCaller().AppKey ? found
            : throw DingTalkException.Api(400, WorkflowCodes.InstanceNotExist, $"process instance '{id}' does not exist.");
        return DingTalkJson.Ok(new { success = "true", result = View(instance) });
    }

    /// <summary><c>{processInstanceId, taskId, actionerUserId, result: agree|refuse, remark?}</c> → <c>{success, result: true}</c>.</summary>
    private static async Task<IResult> ExecuteAsync(HttpContext context, WorkflowStore store, WorkflowEvents events)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var id = Owned(context, store, body.RequiredApiString("processInstanceId"));
        var taskId = body.TryGetProperty("taskId", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var n) ? n
            : throw DingTalkException.InvalidParameter("taskId (a number, from the instance's tasks) is mandatory for this action.");
        var actioner = body.RequiredApiString("actionerUserId");
        var result = body.RequiredApiString("result");
        if (result is not ("agree" or "refuse"))
        {
            throw DingTalkException.InvalidParameter($"result must be agree or refuse, not '{result}'.");
        }

        events.Raise(store.Execute(id, taskId, actioner, result == "agree", body.String("remark")));
        return DingTalkJson.Ok(new { success = true, result = true });
    }

    /// <summary><c>{processInstanceId, isSystem?, remark?, operatingUserId?}</c> → <c>{success, result: true}</c>.</summary>
    private static async Task<IResult> TerminateAsync(HttpContext context, WorkflowStore store, WorkflowEvents events)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var id = Owned(context, store, body.RequiredApiString("processInstanceId"));
        var system = body.TryGetProperty("isSystem", out var s) && s.ValueKind == JsonValueKind.True;
        var operatorId = body.String("operatingUserId");
        if (!system && operatorId is null)
        {
            throw DingTalkException.InvalidParameter("operatingUserId is mandatory unless isSystem is true.");
        }

        events.Raise(store.Terminate(id, operatorId ?? "system", body.String("remark")));
        return DingTalkJson.Ok(new { success = true, result = true });
    }

    /// <summary><c>{processInstanceId, text, commentUserId}</c> → <c>{success, result: true}</c>.</summary>
    private static async Task<IResult> CommentAsync(HttpContext context, DingTalkOrg org, WorkflowStore store)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var id = Owned(context, store, body.RequiredApiString("processInstanceId"));
        var text = body.RequiredApiString("text");
        var user = body.RequiredApiString("commentUserId");
        if (org.FindUser(user) is null)
        {
            throw DingTalkException.InvalidParameter($"commentUserId '{user}' is not a member of this org.");
        }

        store.Comment(id, user, text);
        return DingTalkJson.Ok(new { success = true, result = true });
    }

    /// <summary><c>{processCode, startTime, endTime?, nextToken?, maxResults}</c> (ms; maxResults ≤ 20) → <c>{success, result:{list, nextToken?}}</c>.</summary>
    private static async Task<IResult> ListIdsAsync(HttpContext context, WorkflowStore store, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var code = body.RequiredApiString("processCode");
        var start = Long(body, "startTime") ?? throw DingTalkException.InvalidParameter("startTime (ms since the epoch) is mandatory for this action.");
        var end = Long(body, "endTime") ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        var max = Long(body, "maxResults") ?? throw DingTalkException.InvalidParameter("maxResults is mandatory for this action.");
        if (max is < 1 or > MaxListResults)
        {
            throw DingTalkException.InvalidParameter($"maxResults must be 1 to {MaxListResults}, not {max}.");
        }

        var offset = Long(body, "nextToken") ?? 0;
        if (store.Definition(code) is null)
        {
            throw DingTalkException.Api(400, WorkflowCodes.ProcessCodeError, $"获取审批模板失败或者模板已被删除: processCode '{code}' is not an approval template of this org.");
        }

        var (ids, next) = store.ListIds(context.DingTalkCaller().AppKey, code, start, end, Math.Max(0, offset), (int)max);
        var result = new JsonObject { ["list"] = new JsonArray([.. ids.Select(i => (JsonNode?)JsonValue.Create(i))]) };
        if (next is { } token)
        {
            result["nextToken"] = token.ToString(CultureInfo.InvariantCulture);
        }

        return DingTalkJson.Ok(new JsonObject { ["success"] = true, ["result"] = result });
    }

    /// <summary><c>?processCode=</c> → <c>{result:{name, formCode, schemaContent:{title, items:[{componentName, props:{id, label, required, options?}, children?}]}}}</c>.</summary>
    private static IResult Schema(HttpContext context, WorkflowStore store)
    {
        var code = context.Request.Query["processCode"].ToString();
        if (code.Length == 0)
        {
            throw DingTalkException.InvalidParameter("processCode is mandatory for this action.");
        }

        var definition = store.Definition(code)
            ?? throw DingTalkException.Api(400, WorkflowCodes.ProcessCodeError, $"获取审批模板失败或者模板已被删除: processCode '{code}' is not an approval template of this org.");
        return DingTalkJson.Ok(new
        {
            result = new
            {
                name = definition.Name,
                formCode = definition.ProcessCode,
                schemaContent = new
                {
                    title = definition.Name,
                    items = definition.Components.Select(SchemaItem),
                },
            },
        });
    }

    /// <summary>A control as the schema lists it: a select's options as <c>{key, value}</c>, a table's columns as <c>children</c>.</summary>
    private static JsonObject SchemaItem(ProcessComponent c)
    {
        var props = new JsonObject
        {
            ["id"] = c.Id,
            ["label"] = c.EndLabel is null ? c.Label : new JsonArray(c.Label, c.EndLabel),
            ["required"] = c.Required,
        };
        if (c.Options.Count > 0)
        {
            props["options"] = new JsonArray([.. c.Options.Select((o, i) => (JsonNode?)new JsonObject { ["key"] = $"option_{i}", ["value"] = o })]);
        }

        var item = new JsonObject { ["componentName"] = c.ComponentName, ["props"] = props };
        if (c.Children.Count > 0)
        {
            item["children"] = new JsonArray([.. c.Children.Select(child => (JsonNode?)SchemaItem(child))]);
        }

        return item;
    }

    private static string Owned(HttpContext context, WorkflowStore store, string id) =>
        store.Find(id) is { } found && found.AppKey == context.DingTalkCaller().AppKey ? id
            : throw DingTalkException.Api(400, WorkflowCodes.InstanceNotExist, $"process instance '{id}' does not exist.");

    private static long? Long(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static List<FormValue> ReadForm(JsonElement body)
    {
        if (!body.TryGetProperty("formComponentValues", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            throw DingTalkException.InvalidParameter("formComponentValues ([{name, value}]) is mandatory for this action.");
        }

        return
        [
            .. values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Object && v.String("name") is { } name
                ? new FormValue(name, v.TryGetProperty("value", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString()! : "", v.String("id"), v.String("componentType"))
                : throw DingTalkException.Api(400, WorkflowCodes.FormConverterError, "表单数据校验失败: each formComponentValues item needs a name and a value.")),
        ];
    }

    private static List<ApproverNode>? ReadApprovers(JsonElement body, DingTalkOrg org)
    {
        if (!body.TryGetProperty("approvers", out var approvers) || approvers.ValueKind != JsonValueKind.Array || approvers.GetArrayLength() == 0)
        {
            return null;
        }

        var nodes = new List<ApproverNode>();
        foreach (var node in approvers.EnumerateArray())
        {
            var type = node.String("actionType") ?? "NONE";
            var users = node.TryGetProperty("userIds", out var u) && u.ValueKind == JsonValueKind.Array ? u.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
            if (type is not ("AND" or "OR" or "NONE") || users.Count == 0 || (type == "NONE" && users.Count != 1))
            {
                throw DingTalkException.Api(400, WorkflowCodes.InstanceInvalidParameter, "审批实例参数错误: each approvers item is {actionType: AND|OR|NONE, userIds:[…]}, NONE with exactly one user.");
            }

            if (users.FirstOrDefault(x => org.FindUser(x) is null) is { } stranger)
            {
                throw DingTalkException.Api(400, WorkflowCodes.InstanceInvalidParameter, $"审批实例参数错误: approver '{stranger}' is not a member of this org.");
            }

            nodes.Add(new ApproverNode(type, users));
        }

        return nodes;
    }

    private static object View(WorkflowInstance i) => new
    {
        title = i.Title,
        createTime = Time(i.CreatedAt),
        finishTime = i.FinishedAt is { } f ? Time(f) : null,
        originatorUserId = i.OriginatorUserId,
        originatorDeptId = i.OriginatorDeptId.ToString(CultureInfo.InvariantCulture),
        status = i.Status,
        result = i.Result,
        approverUserIds = i.Nodes.SelectMany(n => n.UserIds).Distinct().ToArray(),
        ccUserIds = i.CcUserIds,
        formComponentValues = i.Form.Select(v => new { name = v.Name, value = v.Value, id = v.Id, componentType = v.ComponentType }),
        operationRecords = i.Records.Select(r => new { userId = r.UserId, date = Time(r.At), type = r.Type, result = r.Result, remark = r.Remark, activityId = r.ActivityId }),
        tasks = i.Tasks.Select(t => new
        {
            taskId = t.TaskId, userId = t.UserId, status = t.Status, result = t.Result, activityId = t.ActivityId, processInstanceId = i.Id,
            createTime = Time(t.CreatedAt), finishTime = t.FinishedAt is { } tf ? Time(tf) : null,
        }),
    };

    /// <summary>The new API's time format here: UTC, minutes, "yyyy-MM-ddTHH:mmZ".</summary>
    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
