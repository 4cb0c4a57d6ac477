using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Approval;

/// <summary>Request reading and response shapes shared by the approval routes (times are ms strings, §7).</summary>
internal static class ApprovalWire
{
    public const int Invalid = ErrorCodes.ApprovalInvalidParameter;

    /// <summary>user_id_type (open_id default) — how user ids in the request are read and written back.</summary>
    public static string UserIdType(HttpContext context) => context.Request.Query("user_id_type") is { } type
        ? type is "open_id" or "user_id" or "union_id" ? type : throw ApiErrorException.BadRequest(Invalid, $"invalid user_id_type '{type}': use open_id, user_id or union_id")
        : "open_id";

    public static EmulatorUser User(AppUserIds ids, string idType, JsonElement body, string field) =>
        ApprovalActions.User(ids, idType, body.RequiredString(field, Invalid), field);

    /// <summary>A user's id of <paramref name="idType"/> in the calling app's ids.</summary>
    public static string Id(AppUserIds ids, string openId, string idType) => ids.Of(openId, idType);

    private static string OpenId(AppUserIds ids, string openId) => ids.Of(openId, "open_id");

    public static string Ms(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static long? OptionalMs(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            _ => throw ApiErrorException.BadRequest(Invalid, $"{name} must be a millisecond timestamp (string or number)"),
        };
    }

    public static object Definition(ApprovalDefinition definition) => new
    {
        approval_name = definition.Name,
        status = definition.Status,
        form = definition.FormContent,
        node_list = definition.Nodes.Select(n => new
        {
            name = n.Name,
            need_approver = n.SelfSelect,
            node_id = n.NodeId,
            custom_node_id = n.CustomNodeId,
            node_type = n.NodeType,
            approver_chosen_multi = n.SelfSelect,
            require_signature = false,
        }),
        viewers = new[] { new { type = "TENANT" } },
    };

    public static object Instance(AppUserIds ids, ApprovalDefinition definition, ApprovalInstance instance, string idType) => new
    {
        approval_name = definition.Name,
        approval_code = definition.Code,
        instance_code = instance.Code,
        start_time = Ms(instance.StartTime),
        end_time = Ms(instance.EndTime),
        user_id = Id(ids, instance.ApplicantOpenId, idType),
        open_id = OpenId(ids, instance.ApplicantOpenId),
        serial_number = instance.SerialNumber,
        department_id = instance.DepartmentId ?? string.Empty,
        status = instance.Status,
        uuid = instance.Uuid ?? string.Empty,
        form = instance.Form,
        reverted = instance.Reverted,
        task_list = instance.Tasks.Select(t => Task(ids, t, idType)),
        comment_list = instance.Comments.Where(c => !c.Deleted).Select(c => new
        {
            id = c.Id,
            user_id = Id(ids, c.OpenId, idType),
            open_id = OpenId(ids, c.OpenId),
            comment = CommentText(c.Content),
            create_time = Ms(c.CreateTime),
            files = Array.Empty<object>(),
        }),
        timeline = instance.Timeline.Select(t => new
        {
            type = t.Type,
            create_time = Ms(t.CreateTime),
            user_id = t.OpenId is null ? null : Id(ids, t.OpenId, idType),
            open_id = t.OpenId is null ? null : OpenId(ids, t.OpenId),
            user_id_list = t.OpenIdList.Count == 0 ? null : t.OpenIdList.Select(id => Id(ids, id, idType)),
            open_id_list = t.OpenIdList.Count == 0 ? null : t.OpenIdList.Select(id => OpenId(ids, id)),
            task_id = t.TaskId,
            comment = t.Comment,
            cc_user_list = t.CcOpenIds.Count == 0 ? null : t.CcOpenIds.Select(id => new { user_id = Id(ids, id, idType), open_id = OpenId(ids, id) }),
            ext = t.Ext ?? "{}",
            node_key = t.NodeKey,
        }),
    };

    public static object Task(AppUserIds ids, ApprovalTask task, string idType) => new
    {
        id = task.Id,
        user_id = Id(ids, task.OpenId, idType),
        open_id = OpenId(ids, task.OpenId),
        status = task.Status,
        node_id = task.NodeId,
        node_name = task.NodeName,
        custom_node_id = task.CustomNodeId,
        type = task.Type,
        start_time = Ms(task.StartTime),
        end_time = Ms(task.EndTime),
    };

    /// <summary>Comments are stored as the JSON string the API took (<c>{"text":…,"files":[]}</c>); the instance shows the text.</summary>
    public static string CommentText(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()!
                : content;
        }
        catch (JsonException)
        {
            return content;
        }
    }
}
