using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Approval;

/// <summary>Approval instances (§7.2): create, get, list codes, cancel, cc, query, preview, add_sign, specified_rollback.</summary>
internal static class ApprovalInstanceEndpoints
{
    private const int Invalid = ApprovalWire.Invalid;
    private const int MaxCcPerNode = 20;

    /// <summary>The list-codes window limit (reference §7.2).</summary>
    private static readonly long MaxListWindowMs = (long)TimeSpan.FromHours(10).TotalMilliseconds;

    public static void MapApprovalInstanceEndpoints(this IEndpointRouteBuilder routes)
    {
        var instances = routes.MapGroup("/open-apis/approval/v4/instances").AsOpenApi();
        instances.MapPost(string.Empty, CreateAsync);
        instances.MapGet(string.Empty, ListCodes);
        instances.MapGet("{instance_id}", Get);
        instances.MapPost("cancel", CancelAsync);
        instances.MapPost("cc", CcAsync);
        instances.MapPost("query", QueryAsync);
        instances.MapPost("preview", PreviewAsync);
        instances.MapPost("add_sign", AddSignAsync);
        instances.MapPost("specified_rollback", RollbackAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var state = store.State;
        var approvalCode = body.RequiredString("approval_code", Invalid);

        // user_id wins over open_id (create page); one of them is required.
        var applicant = body.OptionalString("user_id", Invalid) is { Length: > 0 } userId ? ApprovalActions.User(context.CallerIds(state), "user_id", userId, "user_id")
            : body.OptionalString("open_id", Invalid) is { Length: > 0 } openId ? ApprovalActions.User(context.CallerIds(state), "open_id", openId, "open_id")
            : throw ApiErrorException.BadRequest(Invalid, "user_id or open_id is required: who submits the instance");
        var uuid = body.OptionalString("uuid", Invalid);
        if (uuid is not null && uuid.Length is < 1 or > 64)
        {
            throw ApiErrorException.BadRequest(Invalid, "uuid must be 1 to 64 characters");
        }

        var form = body.OptionalString("form", Invalid);
        var departmentId = body.OptionalString("department_id", Invalid);
        var appId = context.CallerApp().AppId;
        var code = store.Change(tx =>
        {
            var definition = store.Definition(approvalCode);
            if (definition.Status != "ACTIVE")
            {
                throw ApiErrorException.BadRequest(ErrorCodes.ApprovalDefinitionDeleted, $"approval '{approvalCode}' is {definition.Status}");
            }

            FormValidator.Validate(form, definition.Widgets, state);
            var approvers = NodePeople(body, definition, context.CallerIds(state), "node_approver_user_id_list", "node_approver_open_id_list", selfSelectOnly: true);
            var ccs = NodePeople(body, definition, context.CallerIds(state), "node_cc_user_id_list", "node_cc_open_id_list", selfSelectOnly: false);
            var missing = definition.Nodes.Select((n, i) => (n, i)).FirstOrDefault(x => x.n.SelfSelect && x.n.ApproverOpenIds.Count == 0 && approvers[x.i].Count == 0).n;
            if (missing is not null)
            {
                throw ApiErrorException.BadRequest(Invalid, $"node '{missing.CustomNodeId}' ({missing.Name}) is a self-select node: give its approvers in node_approver_open_id_list or node_approver_user_id_list with key '{missing.CustomNodeId}'");
            }

            var serial = definition.NextSerial++;
            var instance = new ApprovalInstance
            {
                Code = Guid.NewGuid().ToString().ToUpperInvariant(),
                ApprovalCode = definition.Code,
                Uuid = uuid,
                ApplicantOpenId = applicant.OpenId,
                DepartmentId = departmentId ?? applicant.DepartmentIds.FirstOrDefault(),
                Form = form!,
                SerialNumber = DateTimeOffset.FromUnixTimeMilliseconds(tx.Now).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + serial.ToString("D4", CultureInfo.InvariantCulture),
                StartTime = tx.Now,
                UpdateTime = tx.Now,
                Title = body.OptionalString("title", Invalid),
                Nodes = definition.Nodes,
                Widgets = definition.Widgets,
                NodeApprovers = [.. definition.Nodes.Select((n, i) => (IReadOnlyList<string>)[.. n.ApproverOpenIds.Concat(approvers[i]).Distinct(StringComparer.Ordinal)])],
                NodeCcs = [.. definition.Nodes.Select((n, i) => (IReadOnlyList<string>)[.. n.CcOpenIds.Concat(ccs[i]).Distinct(StringComparer.Ordinal)])],
                AppId = appId,
            };
            return tx.Create(definition, instance).Code;
        });
        return Envelope.Ok(new { instance_code = code });
    }

    /// <summary>
    /// <c>[{key: node id or custom id, value: ids[]}]</c> from the user_id and open_id lists (their union),
    /// per node index. Approver lists may only name self-select nodes; cc lists take at most 20 people.
    /// </summary>
    private static List<List<string>> NodePeople(JsonElement body, ApprovalDefinition definition, AppUserIds ids, string userIdField, string openIdField, bool selfSelectOnly)
    {
        var perNode = definition.Nodes.Select(_ => new List<string>()).ToList();
        foreach (var (field, idType) in new[] { (userIdField, "user_id"), (openIdField, "open_id") })
        {
            if (!body.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw ApiErrorException.BadRequest(Invalid, $"{field} must be an array of {{key, value: [ids]}}");
            }

            foreach (var entry in list.EnumerateArray())
            {
                var key = entry.ValueKind == JsonValueKind.Object ? entry.OptionalString("key", Invalid) : null;
                var index = key is null ? -1 : definition.Nodes.ToList().FindIndex(n => n.NodeId == key || n.CustomNodeId == key);
                if (index < 0)
                {
                    throw ApiErrorException.BadRequest(Invalid, $"{field}: key '{key}' is not a node of the approval (use node_id or custom_node_id)");
                }

                if (selfSelectOnly && !definition.Nodes[index].SelfSelect)
                {
                    throw ApiErrorException.BadRequest(Invalid, $"{field}: node '{key}' is not a self-select node; its approvers come from the definition");
                }

                foreach (var id in entry.OptionalStringArray("value", Invalid) ?? [])
                {
                    perNode[index].Add(ApprovalActions.User(ids, idType, id, field).OpenId);
                }

                if (!selfSelectOnly && perNode[index].Count > MaxCcPerNode)
                {
                    throw ApiErrorException.BadRequest(Invalid, $"{field}: node '{key}' has {perNode[index].Count} cc users; at most {MaxCcPerNode}");
                }
            }
        }

        return perNode;
    }

    private static IResult Get([FromRoute(Name = "instance_id")] string instanceId, HttpContext context, ApprovalStore store)
    {
        var idType = ApprovalWire.UserIdType(context);
        return Envelope.Ok(store.Read(() =>
        {
            var instance = store.Instance(instanceId);
            return ApprovalWire.Instance(context.CallerIds(store.State), store.Definition(instance.ApprovalCode), instance, idType);
        }));
    }

    /// <summary>Instance codes of a definition started within [start_time, end_time] (ms, at most 10 h apart), oldest first, paged.</summary>
    private static IResult ListCodes(HttpContext context, ApprovalStore store)
    {
        var approvalCode = context.Request.Query("approval_code") ?? throw ApiErrorException.BadRequest(Invalid, "approval_code is required");
        var start = context.Request.QueryLong("start_time", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "start_time is required (ms)");
        var end = context.Request.QueryLong("end_time", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "end_time is required (ms)");
        if (end < start || end - start > MaxListWindowMs)
        {
            throw ApiErrorException.BadRequest(Invalid, "start_time..end_time must be an ordered window of at most 10 hours (ms); page through longer periods window by window");
        }

        var pageSize = context.Request.QueryInt("page_size", 100, 1, 100, Invalid);
        var codes = store.Read(() =>
        {
            _ = store.Definition(approvalCode);
            return store.Instances.Where(i => i.ApprovalCode == approvalCode && i.StartTime >= start && i.StartTime <= end)
                .OrderBy(i => i.StartTime).ThenBy(i => i.Code, StringComparer.Ordinal)
                .Select(i => (i.Code, Key: i.StartTime.ToString("D15", CultureInfo.InvariantCulture) + ":" + i.Code)).ToList();
        });
        var page = Paging.Slice(codes, c => c.Key, false, context.Request.Query("page_token"), pageSize, "approval-instances:" + approvalCode, Invalid);
        return Envelope.Ok(new { instance_code_list = page.Items.Select(c => c.Code), has_more = page.HasMore, page_token = page.PageToken });
    }

    private static async Task<IResult> CancelAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var approvalCode = body.RequiredString("approval_code", Invalid);
        var instanceCode = body.RequiredString("instance_code", Invalid);
        var user = ApprovalWire.User(context.CallerIds(store.State), ApprovalWire.UserIdType(context), body, "user_id");
        store.Change(tx =>
        {
            var instance = ApprovalActions.InstanceOf(store, instanceCode, approvalCode);
            if (instance.ApplicantOpenId != user.OpenId)
            {
                throw new ApiErrorException(403, ErrorCodes.ApprovalNoPermission, "no operation permission: only the submitter can cancel the instance");
            }

            if (instance.Status != ApprovalStatus.Pending)
            {
                throw ApiErrorException.BadRequest(Invalid, $"the instance is {instance.Status}; only a PENDING instance can be canceled");
            }

            tx.Cancel(instance, user.OpenId);
            return true;
        });
        return Envelope.Ok();
    }

    private static async Task<IResult> CcAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var idType = ApprovalWire.UserIdType(context);
        var approvalCode = body.RequiredString("approval_code", Invalid);
        var instanceCode = body.RequiredString("instance_code", Invalid);
        var user = ApprovalWire.User(context.CallerIds(store.State), idType, body, "user_id");
        var ccIds = body.OptionalStringArray("cc_user_ids", Invalid) is { Count: > 0 } list ? list : throw ApiErrorException.BadRequest(Invalid, "cc_user_ids is required: at least one user");
        var ccs = ccIds.Select(id => ApprovalActions.User(context.CallerIds(store.State), idType, id, "cc_user_ids").OpenId).ToList();
        var comment = body.OptionalString("comment", Invalid);
        store.Change(tx =>
        {
            tx.Cc(ApprovalActions.InstanceOf(store, instanceCode, approvalCode), user.OpenId, ccs, comment);
            return true;
        });
        return Envelope.Ok();
    }

    /// <summary>instance_status filter names of the query page → stored statuses.</summary>
    private static string? StatusFilter(string? status) => status switch
    {
        null or "ALL" => null,
        "PENDING" => ApprovalStatus.Pending,
        "APPROVED" => ApprovalStatus.Approved,
        "REJECT" => ApprovalStatus.Rejected,
        "RECALL" => ApprovalStatus.Canceled,
        "DELETED" => ApprovalStatus.Deleted,
        _ => throw ApiErrorException.BadRequest(Invalid, $"instance_status '{status}' is not one of PENDING, RECALL, REJECT, DELETED, APPROVED, ALL"),
    };

    private static async Task<IResult> QueryAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var idType = ApprovalWire.UserIdType(context);
        var (user, approvalCode, instanceCode) = SearchScope(body, context.CallerIds(store.State), idType);
        var status = StatusFilter(body.OptionalString("instance_status", Invalid));
        var (from, to) = Window(body, "instance_start_time_from", "instance_start_time_to");
        var pageSize = context.Request.QueryInt("page_size", 10, 1, 200, Invalid);
        var rows = store.Read(() => store.Instances
            .Where(i => (user is null || i.ApplicantOpenId == user.OpenId) && (approvalCode is null || i.ApprovalCode == approvalCode)
                && (instanceCode is null || i.Code == instanceCode) && (status is null || i.Status == status)
                && (from is null || (i.StartTime >= from && i.StartTime <= to)))
            .OrderBy(i => i.StartTime).ThenBy(i => i.Code, StringComparer.Ordinal)
            .Select(i => (Key: i.StartTime.ToString("D15", CultureInfo.InvariantCulture) + ":" + i.Code, View: (object)new
            {
                approval = new { code = i.ApprovalCode, name = store.Definition(i.ApprovalCode).Name },
                instance = new
                {
                    code = i.Code,
                    user_id = ApprovalWire.Id(context.CallerIds(store.State), i.ApplicantOpenId, idType),
                    start_time = ApprovalWire.Ms(i.StartTime),
                    end_time = ApprovalWire.Ms(i.EndTime),
                    status = i.Status,
                    title = i.Title ?? store.Definition(i.ApprovalCode).Name,
                    serial_id = i.SerialNumber,
                },
            })).ToList());
        var page = Paging.Slice(rows, r => r.Key, false, context.Request.Query("page_token"), pageSize, "approval-query", Invalid);
        return Envelope.Ok(new { count = rows.Count, instance_list = page.Items.Select(r => r.View), has_more = page.HasMore, page_token = page.PageToken });
    }

    /// <summary>The user, approval and instance an instance or task search is narrowed to: at least one of them.</summary>
    internal static (EmulatorUser? User, string? ApprovalCode, string? InstanceCode) SearchScope(JsonElement body, AppUserIds ids, string idType)
    {
        var userId = body.OptionalString("user_id", Invalid);
        var approvalCode = body.OptionalString("approval_code", Invalid);
        var instanceCode = body.OptionalString("instance_code", Invalid);
        if (userId is null && approvalCode is null && instanceCode is null)
        {
            throw ApiErrorException.BadRequest(Invalid, "give at least one of user_id, approval_code or instance_code");
        }

        return (userId is null ? null : ApprovalActions.User(ids, idType, userId, "user_id"), approvalCode, instanceCode);
    }

    /// <summary>A from/to pair in ms: both or neither, at most 30 days apart (query pages).</summary>
    internal static (long? From, long? To) Window(JsonElement body, string fromName, string toName)
    {
        var from = ApprovalWire.OptionalMs(body, fromName);
        var to = ApprovalWire.OptionalMs(body, toName);
        if (from is null != to is null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"{fromName} and {toName} go together: give both or neither");
        }

        if (from is not null && (to < from || to - from > (long)TimeSpan.FromDays(30).TotalMilliseconds))
        {
            throw ApiErrorException.BadRequest(Invalid, $"{fromName}..{toName} must be an ordered window of at most 30 days");
        }

        return (from, to);
    }

    private static async Task<IResult> PreviewAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var idType = ApprovalWire.UserIdType(context);
        _ = ApprovalWire.User(context.CallerIds(store.State), idType, body, "user_id");
        var instanceCode = body.OptionalString("instance_code", Invalid);
        var nodes = store.Read(() =>
        {
            if (instanceCode is not null)
            {
                var instance = store.Instance(instanceCode);
                return instance.Nodes.Select((n, i) => (n, (IReadOnlyList<string>)instance.NodeApprovers[i], (IReadOnlyList<string>)instance.NodeCcs[i])).ToList();
            }

            var approvalCode = body.RequiredString("approval_code", Invalid);
            var fresh = store.Definition(approvalCode);
            FormValidator.Validate(body.OptionalString("form", Invalid), fresh.Widgets, store.State);
            return fresh.Nodes.Select(n => (n, n.ApproverOpenIds, n.CcOpenIds)).ToList();
        });
        return Envelope.Ok(new
        {
            preview_nodes = nodes.Select(x => new
            {
                user_id_list = x.Item2.Select(id => ApprovalWire.Id(context.CallerIds(store.State), id, idType)),
                end_cc_id_list = x.Item3.Select(id => ApprovalWire.Id(context.CallerIds(store.State), id, idType)),
                node_id = x.n.NodeId,
                node_name = x.n.Name,
                node_type = x.n.NodeType,
                custom_node_id = x.n.CustomNodeId,
                comments = Array.Empty<string>(),
                is_empty_logic = false,
                is_approver_type_free = x.n.SelfSelect,
                has_cc_type_free = false,
            }),
        });
    }

    private static async Task<IResult> AddSignAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var idType = ApprovalWire.UserIdType(context);
        var approvalCode = body.RequiredString("approval_code", Invalid);
        var instanceCode = body.RequiredString("instance_code", Invalid);
        var user = ApprovalWire.User(context.CallerIds(store.State), idType, body, "user_id");
        var taskId = body.RequiredString("task_id", Invalid);
        var added = (body.OptionalStringArray("add_sign_user_ids", Invalid) is { Count: > 0 } ids ? ids : throw ApiErrorException.BadRequest(Invalid, "add_sign_user_ids is required: at least one user"))
            .Select(id => ApprovalActions.User(context.CallerIds(store.State), idType, id, "add_sign_user_ids").OpenId).Distinct(StringComparer.Ordinal).ToList();
        var type = body.OptionalInt("add_sign_type", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "add_sign_type is required: 1 before, 2 after, 3 parallel");
        var method = body.OptionalInt("approval_method", Invalid);
        if (type is < 1 or > 3 || method is not (null or 1 or 2))
        {
            throw ApiErrorException.BadRequest(Invalid, "add_sign_type must be 1 (before), 2 (after) or 3 (parallel); approval_method 1 (OR) or 2 (AND)");
        }

        if (type is 1 or 2 && method is null)
        {
            throw ApiErrorException.BadRequest(Invalid, "approval_method is required for add_sign_type 1 and 2: 1 (OR) or 2 (AND)");
        }

        var comment = body.OptionalString("comment", Invalid);
        store.Change(tx =>
        {
            var instance = ApprovalActions.InstanceOf(store, instanceCode, approvalCode);
            var task = ApprovalActions.PendingTaskOf(instance, taskId, user.OpenId);
            if (task.NodeIndex < 0)
            {
                throw ApiErrorException.BadRequest(Invalid, "signers cannot be added to the submitter's resubmit task");
            }

            tx.AddSign(instance, task, added, type, method, comment);
            return true;
        });
        return Envelope.Ok();
    }

    private static async Task<IResult> RollbackAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var user = ApprovalWire.User(context.CallerIds(store.State), ApprovalWire.UserIdType(context), body, "user_id");
        var taskId = body.RequiredString("task_id", Invalid);
        var keys = body.OptionalStringArray("task_def_key_list", Invalid) is { Count: > 0 } list ? list : throw ApiErrorException.BadRequest(Invalid, "task_def_key_list is required: node_key values of PASS timeline entries");
        var reason = body.OptionalString("reason", Invalid);
        store.Change(tx =>
        {
            // The page takes no instance code: the task id finds it.
            var instance = store.Instances.FirstOrDefault(i => i.Tasks.Exists(t => t.Id == taskId))
                ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalTaskNotFound, $"task '{taskId}' not found");
            tx.Rollback(instance, ApprovalActions.PendingTaskOf(instance, taskId, user.OpenId), keys, reason);
            return true;
        });
        return Envelope.Ok();
    }

}
