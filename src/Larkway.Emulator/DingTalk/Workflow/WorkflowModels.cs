namespace Larkway.Emulator.DingTalk.Workflow;

/// <summary>
/// One form control of a process definition: <c>componentName</c> (TextField, MoneyField, DDDateField…), its id, label
/// and whether it must be filled; a select's option texts, a table's (TableField) columns.
/// </summary>
internal sealed record ProcessComponent(string Id, string ComponentName, string Label, bool Required)
{
    public IReadOnlyList<string> Options { get; init; } = [];

    public IReadOnlyList<ProcessComponent> Children { get; init; } = [];

    /// <summary>A date range's second label (its end); the schema then lists the label as <c>[start, end]</c> and values go under the start's.</summary>
    public string? EndLabel { get; init; }
}

/// <summary>One approver node: <c>actionType</c> AND (all must agree), OR (any one decides) or NONE (a single person).</summary>
internal sealed record ApproverNode(string ActionType, IReadOnlyList<string> UserIds);

/// <summary>An OA approval template: its processCode, its form and the approver nodes used when a start names none.</summary>
internal sealed record ProcessDefinition(string ProcessCode, string Name, IReadOnlyList<ProcessComponent> Components, IReadOnlyList<ApproverNode> DefaultApprovers);

/// <summary>A filled form control as the originator sent it.</summary>
internal sealed record FormValue(string Name, string Value, string? Id, string? ComponentType);

/// <summary>One approver's task on one node. Status NEW/RUNNING/CANCELED/COMPLETED; result NONE/AGREE/REFUSE.</summary>
internal sealed record WorkflowTask(long TaskId, string UserId, int Node, string ActivityId, string Status, string Result, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>One line of an instance's history: START_PROCESS_INSTANCE, EXECUTE_TASK_NORMAL, TERMINATE_PROCESS_INSTANCE, ADD_REMARK.</summary>
internal sealed record OperationRecord(string UserId, string Type, string Result, string? Remark, DateTimeOffset At, string? ActivityId);

/// <summary>
/// A process instance. Status NEW/RUNNING/TERMINATED/COMPLETED/CANCELED; result "agree"/"refuse" once it is
/// COMPLETED, empty before. Replaced whole under the store's lock on each change.
/// </summary>
internal sealed record WorkflowInstance(
    string Id,
    string AppKey,
    string ProcessCode,
    string Title,
    string OriginatorUserId,
    long OriginatorDeptId,
    IReadOnlyList<FormValue> Form,
    IReadOnlyList<ApproverNode> Nodes,
    IReadOnlyList<string> CcUserIds,
    string Status,
    string Result,
    IReadOnlyList<WorkflowTask> Tasks,
    IReadOnlyList<OperationRecord> Records,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
