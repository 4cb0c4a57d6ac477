using System.Text.Json.Serialization;
using Larkway.Feishu.Events.Serialization;

namespace Larkway.Feishu.Events.Models.Approval;

/// <summary>
/// <c>approval_instance</c> (v1 envelope): an approval instance changed status
/// (PENDING, APPROVED, REJECTED, CANCELED, DELETED, REVERTED, OVERTIME_CLOSE, OVERTIME_RECOVER).
/// </summary>
public sealed record ApprovalInstanceEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "approval_instance";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public string? AppId { get; init; }

    public string? TenantKey { get; init; }

    public string ApprovalCode { get; init; } = "";

    public string InstanceCode { get; init; } = "";

    public string Status { get; init; } = "";

    /// <summary>Milliseconds since the epoch. A string, except a number for REVERTED.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? OperateTime { get; init; }

    /// <summary>Milliseconds since the epoch.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? InstanceOperateTime { get; init; }

    /// <summary>The uuid given when the instance was created, if any.</summary>
    public string? Uuid { get; init; }
}

/// <summary>
/// <c>approval_task</c> (v1 envelope): an approval task changed status
/// (REVERTED, PENDING, APPROVED, REJECTED, TRANSFERRED, ROLLBACK, DONE, OVERTIME_CLOSE, OVERTIME_RECOVER).
/// </summary>
public sealed record ApprovalTaskEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "approval_task";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public string? AppId { get; init; }

    public string? TenantKey { get; init; }

    /// <summary>The operator; empty for automatically approved tasks.</summary>
    public string? OpenId { get; init; }

    /// <summary>The operator; empty for automatically approved tasks.</summary>
    public string? UserId { get; init; }

    public string ApprovalCode { get; init; } = "";

    public string InstanceCode { get; init; } = "";

    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? TaskId { get; init; }

    public string Status { get; init; } = "";

    /// <summary>Milliseconds since the epoch.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? OperateTime { get; init; }

    public string? CustomKey { get; init; }

    public string? DefKey { get; init; }

    /// <summary>JSON string; only for ROLLBACK (<c>rollback_node_ids</c>, <c>rollback_custom_node_ids</c>).</summary>
    public string? Extra { get; init; }
}

/// <summary><c>approval.approval.updated_v4</c>: an approval definition changed.</summary>
public sealed record ApprovalUpdatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "approval.approval.updated_v4";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ApprovalDefinitionChange? Object { get; init; }
}

/// <summary>The changed approval definition.</summary>
public sealed record ApprovalDefinitionChange
{
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? ApprovalId { get; init; }

    public string? ApprovalCode { get; init; }

    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? VersionId { get; init; }

    public int? WidgetGroupType { get; init; }

    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? FormDefinitionId { get; init; }

    /// <summary>The process definition as a JSON string.</summary>
    public string? ProcessObj { get; init; }

    /// <summary>Seconds since the epoch (documented as int, sent as a string in the example).</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Timestamp { get; init; }

    public string? Extra { get; init; }
}
