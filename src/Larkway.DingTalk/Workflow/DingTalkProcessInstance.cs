using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Workflow;

/// <summary>
/// One filled form control of an approval: <see cref="Name"/> is the control's label as the template shows it,
/// <see cref="Value"/> its value as text (a date as <c>yyyy-MM-dd</c>, money as a number). A table control's rows go in
/// <see cref="Details"/>.
/// </summary>
public sealed record DingTalkFormValue(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value)
{
    /// <summary>The control's id in the template (from the form schema), when the label is not unique.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>The control's type (<c>TextField</c>, <c>MoneyField</c>, <c>DDDateField</c>, <c>TableField</c>…).</summary>
    [JsonPropertyName("componentType")]
    public string? ComponentType { get; init; }

    /// <summary>A table control's cells, when it is sent structured rather than as a JSON string in <see cref="Value"/>.</summary>
    [JsonPropertyName("details")]
    public IReadOnlyList<DingTalkFormValue>? Details { get; init; }
}

/// <summary>One approver node named at start: <see cref="ActionType"/> <c>AND</c> (all agree), <c>OR</c> (any one), <c>NONE</c> (one person).</summary>
public sealed record DingTalkApproverNode(
    [property: JsonPropertyName("actionType")] string ActionType,
    [property: JsonPropertyName("userIds")] IReadOnlyList<string> UserIds);

/// <summary>What starts an approval (<c>POST /v1.0/workflow/processInstances</c>).</summary>
public sealed record DingTalkProcessStart(
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("originatorUserId")] string OriginatorUserId,
    [property: JsonPropertyName("formComponentValues")] IReadOnlyList<DingTalkFormValue> FormComponentValues)
{
    /// <summary>The originator's department; DingTalk requires it when no <see cref="Approvers"/> are named (the template's flow then decides).</summary>
    [JsonPropertyName("deptId")]
    public long? DeptId { get; init; }

    /// <summary>Approver nodes in order, replacing the template's flow; null keeps the template's.</summary>
    [JsonPropertyName("approvers")]
    public IReadOnlyList<DingTalkApproverNode>? Approvers { get; init; }

    /// <summary>People copied on the approval.</summary>
    [JsonPropertyName("ccList")]
    public IReadOnlyList<string>? CcList { get; init; }

    /// <summary>When they are copied: <c>START</c>, <c>FINISH</c> or <c>START_FINISH</c>.</summary>
    [JsonPropertyName("ccPosition")]
    public string? CcPosition { get; init; }
}

/// <summary>An approval as <c>GET /v1.0/workflow/processInstances</c> shows it.</summary>
public sealed record DingTalkProcessInstance
{
    /// <summary>The instance's id (the one it was read by).</summary>
    [JsonIgnore]
    public string Id { get; init; } = "";

    /// <summary>Its title, e.g. "Alice提交的Payment".</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary><c>NEW</c>, <c>RUNNING</c>, <c>TERMINATED</c>, <c>COMPLETED</c> or <c>CANCELED</c> (see <see cref="DingTalkProcessStatus"/>).</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    /// <summary><c>agree</c> or <c>refuse</c> once COMPLETED; empty before.</summary>
    [JsonPropertyName("result")]
    public string? Result { get; init; }

    /// <summary>Who started it.</summary>
    [JsonPropertyName("originatorUserId")]
    public string? OriginatorUserId { get; init; }

    /// <summary>The department it was started in.</summary>
    [JsonPropertyName("originatorDeptId")]
    public string? OriginatorDeptId { get; init; }

    /// <summary>When it started, as DingTalk writes it (UTC, <c>yyyy-MM-ddTHH:mmZ</c>).</summary>
    [JsonPropertyName("createTime")]
    public string? CreateTime { get; init; }

    /// <summary>When it ended, in the same form; null while it runs.</summary>
    [JsonPropertyName("finishTime")]
    public string? FinishTime { get; init; }

    /// <summary>All the approvers named on its nodes.</summary>
    [JsonPropertyName("approverUserIds")]
    public IReadOnlyList<string>? ApproverUserIds { get; init; }

    /// <summary>The people copied.</summary>
    [JsonPropertyName("ccUserIds")]
    public IReadOnlyList<string>? CcUserIds { get; init; }

    /// <summary>The form as filled.</summary>
    [JsonPropertyName("formComponentValues")]
    public IReadOnlyList<DingTalkFormValue>? FormComponentValues { get; init; }

    /// <summary>The approvers' tasks, those done and those open.</summary>
    [JsonPropertyName("tasks")]
    public IReadOnlyList<DingTalkApprovalTask>? Tasks { get; init; }

    /// <summary>Its history: start, each approval, comments, termination.</summary>
    [JsonPropertyName("operationRecords")]
    public IReadOnlyList<DingTalkOperationRecord>? OperationRecords { get; init; }
}

/// <summary>One approver's task. Status <c>NEW</c>/<c>RUNNING</c>/<c>PAUSED</c>/<c>CANCELED</c>/<c>COMPLETED</c>/<c>TERMINATED</c>; result <c>AGREE</c>/<c>REFUSE</c>/<c>REDIRECTED</c>/<c>NONE</c>.</summary>
public sealed record DingTalkApprovalTask(
    [property: JsonPropertyName("taskId")] long TaskId,
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("result")] string? Result)
{
    /// <summary>The approval node the task belongs to.</summary>
    [JsonPropertyName("activityId")]
    public string? ActivityId { get; init; }

    /// <summary>When it was created (UTC, <c>yyyy-MM-ddTHH:mmZ</c>).</summary>
    [JsonPropertyName("createTime")]
    public string? CreateTime { get; init; }

    /// <summary>When it was done; null while open.</summary>
    [JsonPropertyName("finishTime")]
    public string? FinishTime { get; init; }
}

/// <summary>One line of an instance's history; <see cref="Type"/> e.g. <c>START_PROCESS_INSTANCE</c>, <c>EXECUTE_TASK_NORMAL</c>, <c>ADD_REMARK</c>, <c>TERMINATE_PROCESS_INSTANCE</c>.</summary>
public sealed record DingTalkOperationRecord(
    [property: JsonPropertyName("userId")] string? UserId,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("remark")] string? Remark,
    [property: JsonPropertyName("date")] string? Date);

/// <summary>One page of instance ids; <see cref="NextToken"/> asks for the next page, null on the last.</summary>
public sealed record DingTalkInstanceIdPage(IReadOnlyList<string> Ids, string? NextToken);

/// <summary>A template's form (<c>GET /v1.0/workflow/forms/schemas/processCodes</c>): its name and controls.</summary>
public sealed record DingTalkFormSchema(string? Name, string? FormCode, IReadOnlyList<DingTalkFormComponent> Components);

/// <summary>
/// One control of a template's form: its type (<c>componentName</c>), id, label and whether it is required. A date
/// range's label is its start's (the name its value goes under); <see cref="Labels"/> has both.
/// </summary>
public sealed record DingTalkFormComponent(string ComponentName, string? Id, string? Label, bool Required)
{
    /// <summary>Every label the control has: one, or a date range's start and end.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>A select control's options (<c>DDSelectField</c>, <c>DDMultiSelectField</c>); empty for the others.</summary>
    public IReadOnlyList<DingTalkFormOption> Options { get; init; } = [];

    /// <summary>A table control's (<c>TableField</c>) columns; empty for the others.</summary>
    public IReadOnlyList<DingTalkFormComponent> Children { get; init; } = [];
}

/// <summary>One option of a select control: its key and the text people pick (the text is what a form value carries).</summary>
public sealed record DingTalkFormOption(string Key, string Text);

/// <summary>An instance's <see cref="DingTalkProcessInstance.Status"/> values.</summary>
public static class DingTalkProcessStatus
{
    /// <summary>Created, not yet running.</summary>
    public const string New = "NEW";

    /// <summary>Waiting for approvers.</summary>
    public const string Running = "RUNNING";

    /// <summary>Ended by a terminate (withdrawn).</summary>
    public const string Terminated = "TERMINATED";

    /// <summary>Decided: see the result, agree or refuse.</summary>
    public const string Completed = "COMPLETED";

    /// <summary>Canceled.</summary>
    public const string Canceled = "CANCELED";
}
