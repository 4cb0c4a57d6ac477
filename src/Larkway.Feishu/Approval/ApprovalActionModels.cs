using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>Copies an instance to more people (<see cref="ApprovalInstancesClient.CcAsync"/>).</summary>
public sealed record ApprovalInstanceCc
{
    /// <summary>The definition's code.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The instance's code.</summary>
    public required string InstanceCode { get; init; }

    /// <summary>Who copies (a participant of the instance).</summary>
    public required string UserId { get; init; }

    /// <summary>Who is copied.</summary>
    public required IReadOnlyList<string> CcUserIds { get; init; }

    /// <summary>A note for them.</summary>
    public string? Comment { get; init; }

    /// <summary>The kind of the user ids.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>
/// Filters of an instance or task search. At least one of <see cref="UserId"/>, <see cref="ApprovalCode"/>,
/// <see cref="InstanceCode"/>, <see cref="InstanceExternalId"/>, <see cref="GroupExternalId"/> is needed;
/// start-time windows span at most 30 days.
/// </summary>
public sealed record ApprovalSearch
{
    /// <summary>The submitter (instances) or the approver (tasks).</summary>
    public string? UserId { get; init; }

    /// <summary>The definition.</summary>
    public string? ApprovalCode { get; init; }

    /// <summary>One instance.</summary>
    public string? InstanceCode { get; init; }

    /// <summary>A third-party instance id.</summary>
    public string? InstanceExternalId { get; init; }

    /// <summary>A third-party definition group.</summary>
    public string? GroupExternalId { get; init; }

    /// <summary>Words of the instance's title.</summary>
    public string? InstanceTitle { get; init; }

    /// <summary>Instances: PENDING, RECALL, REJECT, DELETED, APPROVED or ALL.</summary>
    public string? InstanceStatus { get; init; }

    /// <summary>Instances started from (with <see cref="InstanceStartTo"/>).</summary>
    public DateTimeOffset? InstanceStartFrom { get; init; }

    /// <summary>Instances started until (with <see cref="InstanceStartFrom"/>).</summary>
    public DateTimeOffset? InstanceStartTo { get; init; }

    /// <summary>Tasks: words of the task's title.</summary>
    public string? TaskTitle { get; init; }

    /// <summary>Tasks: PENDING, REJECTED, APPROVED, TRANSFERRED, DONE, RM_REPEAT, PROCESSED or ALL.</summary>
    public string? TaskStatus { get; init; }

    /// <summary>Tasks started from (with <see cref="TaskStartTo"/>).</summary>
    public DateTimeOffset? TaskStartFrom { get; init; }

    /// <summary>Tasks started until (with <see cref="TaskStartFrom"/>).</summary>
    public DateTimeOffset? TaskStartTo { get; init; }

    /// <summary>zh-CN, en-US or ja-JP.</summary>
    public string? Locale { get; init; }

    /// <summary>The kind of <see cref="UserId"/>.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>One hit of an instance or task search.</summary>
public sealed record ApprovalSearchResult
{
    /// <summary>The definition's code.</summary>
    public string ApprovalCode { get; init; } = "";

    /// <summary>The definition's name.</summary>
    public string ApprovalName { get; init; } = "";

    /// <summary>Whether it is a third-party approval.</summary>
    public bool IsExternal { get; init; }

    /// <summary>The third-party group's id.</summary>
    public string? GroupExternalId { get; init; }

    /// <summary>The third-party group's name.</summary>
    public string? GroupName { get; init; }

    /// <summary>The instance's code.</summary>
    public string InstanceCode { get; init; } = "";

    /// <summary>The third-party instance id.</summary>
    public string? InstanceExternalId { get; init; }

    /// <summary>The submitter.</summary>
    public string? UserId { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>When it finished; null while open.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The instance's status.</summary>
    public string Status { get; init; } = "";

    /// <summary>The instance's title.</summary>
    public string? Title { get; init; }

    /// <summary>The serial number.</summary>
    public string? SerialId { get; init; }

    /// <summary>Where to open it on desktop.</summary>
    public string? PcLink { get; init; }

    /// <summary>Where to open it on mobile.</summary>
    public string? MobileLink { get; init; }

    /// <summary>The task that matched (task searches only).</summary>
    public ApprovalSearchTask? Task { get; init; }
}

/// <summary>The task of a task-search hit.</summary>
public sealed record ApprovalSearchTask
{
    /// <summary>The task id.</summary>
    public string TaskId { get; init; } = "";

    /// <summary>The approver.</summary>
    public string? UserId { get; init; }

    /// <summary>The task's status.</summary>
    public string Status { get; init; } = "";

    /// <summary>The task's title.</summary>
    public string? Title { get; init; }

    /// <summary>When it was assigned.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>When it was decided; null while pending.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The third-party task id.</summary>
    public string? TaskExternalId { get; init; }

    /// <summary>Where to open it on desktop.</summary>
    public string? PcLink { get; init; }

    /// <summary>Where to open it on mobile.</summary>
    public string? MobileLink { get; init; }
}

/// <summary>
/// Who would approve (<see cref="ApprovalInstancesClient.PreviewAsync"/>): before creation give <see cref="ApprovalCode"/>,
/// <see cref="UserId"/> and <see cref="Form"/>; for an existing instance <see cref="InstanceCode"/> and <see cref="TaskId"/>.
/// </summary>
public sealed record ApprovalInstancePreview
{
    /// <summary>The definition.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The submitter (or, with <see cref="TaskId"/>, the approver).</summary>
    public required string UserId { get; init; }

    /// <summary>The submitter's department.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The form the route depends on (before creation).</summary>
    public ApprovalForm? Form { get; init; }

    /// <summary>An existing instance.</summary>
    public string? InstanceCode { get; init; }

    /// <summary>The current task of <see cref="InstanceCode"/>.</summary>
    public string? TaskId { get; init; }

    /// <summary>The kind of the user ids.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>A node of a preview: who approves it and who is copied.</summary>
public sealed record ApprovalPreviewNode
{
    /// <summary>The node id.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The node's name.</summary>
    public string NodeName { get; init; } = "";

    /// <summary>AND, OR, SEQUENTIAL, …</summary>
    public string NodeType { get; init; } = "";

    /// <summary>The node's custom id.</summary>
    public string? CustomNodeId { get; init; }

    /// <summary>Its approvers.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];

    /// <summary>Who is copied when it ends.</summary>
    public IReadOnlyList<string> CcUserIds { get; init; } = [];

    /// <summary>Whether the submitter picks its approvers.</summary>
    public bool IsApproverTypeFree { get; init; }

    /// <summary>Whether it has no approvers by its rules.</summary>
    public bool IsEmptyLogic { get; init; }
}

/// <summary>Adds approvers to a pending task (<see cref="ApprovalInstancesClient.AddSignAsync"/>).</summary>
public sealed record ApprovalAddSign
{
    /// <summary>The definition.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The instance.</summary>
    public required string InstanceCode { get; init; }

    /// <summary>The approver adding them.</summary>
    public required string UserId { get; init; }

    /// <summary>Their pending task.</summary>
    public required string TaskId { get; init; }

    /// <summary>Who is added.</summary>
    public required IReadOnlyList<string> AddSignUserIds { get; init; }

    /// <summary>1: before me, 2: after me, 3: alongside me.</summary>
    public required int AddSignType { get; init; }

    /// <summary>For types 1 and 2: 1 any one of them (OR), 2 all of them (AND).</summary>
    public int? ApprovalMethod { get; init; }

    /// <summary>A note.</summary>
    public string? Comment { get; init; }

    /// <summary>The kind of the user ids.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>Sends an instance back to earlier nodes (<see cref="ApprovalInstancesClient.RollbackAsync"/>).</summary>
public sealed record ApprovalRollback
{
    /// <summary>The approver of the pending task.</summary>
    public required string UserId { get; init; }

    /// <summary>The pending task.</summary>
    public required string TaskId { get; init; }

    /// <summary>The node keys to return to (from PASS entries of the timeline, <see cref="ApprovalTimelineEntry.NodeKey"/>).</summary>
    public required IReadOnlyList<string> NodeKeys { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }

    /// <summary>Extra data.</summary>
    public string? Extra { get; init; }

    /// <summary>The kind of <see cref="UserId"/>.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>Hands a pending task to someone else (<see cref="ApprovalTasksClient.TransferAsync"/>).</summary>
public sealed record ApprovalTaskTransfer
{
    /// <summary>The definition.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The instance.</summary>
    public required string InstanceCode { get; init; }

    /// <summary>The current approver.</summary>
    public required string UserId { get; init; }

    /// <summary>The task.</summary>
    public required string TaskId { get; init; }

    /// <summary>The new approver.</summary>
    public required string TransferUserId { get; init; }

    /// <summary>A note.</summary>
    public string? Comment { get; init; }

    /// <summary>The kind of the user ids.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>Resubmits an instance sent back to its submitter (<see cref="ApprovalTasksClient.ResubmitAsync"/>).</summary>
public sealed record ApprovalTaskResubmit
{
    /// <summary>The definition.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The instance.</summary>
    public required string InstanceCode { get; init; }

    /// <summary>The submitter.</summary>
    public required string UserId { get; init; }

    /// <summary>The submitter's resubmit task.</summary>
    public required string TaskId { get; init; }

    /// <summary>The corrected form.</summary>
    public required ApprovalForm Form { get; init; }

    /// <summary>When given, the form is validated first (nothing sent on problems) and sent with the widgets' ids and types.</summary>
    public ApprovalDefinition? Definition { get; init; }

    /// <summary>A note.</summary>
    public string? Comment { get; init; }

    /// <summary>The kind of <see cref="UserId"/>.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>The lists of a user's approval center (<see cref="ApprovalTasksClient.QueryAsync"/>).</summary>
public static class ApprovalTaskTopic
{
    /// <summary>To do.</summary>
    public const string Todo = "1";

    /// <summary>Done.</summary>
    public const string Done = "2";

    /// <summary>Started by the user.</summary>
    public const string Started = "3";

    /// <summary>Copied to the user, unread.</summary>
    public const string CcUnread = "17";

    /// <summary>Copied to the user, read.</summary>
    public const string CcRead = "18";
}

/// <summary>An entry of a user's approval-center list.</summary>
public sealed record ApprovalUserTask
{
    /// <summary>The list (see <see cref="ApprovalTaskTopic"/>).</summary>
    public string Topic { get; init; } = "";

    /// <summary>The task id.</summary>
    public string TaskId { get; init; } = "";

    /// <summary>The title.</summary>
    public string Title { get; init; } = "";

    /// <summary>The task's status.</summary>
    public string Status { get; init; } = "";

    /// <summary>The instance's status.</summary>
    public string? ProcessStatus { get; init; }

    /// <summary>The definition's code.</summary>
    public string? DefinitionCode { get; init; }

    /// <summary>The definition's name.</summary>
    public string? DefinitionName { get; init; }

    /// <summary>The instance's code.</summary>
    public string? ProcessCode { get; init; }

    /// <summary>The instance's id.</summary>
    public string? ProcessId { get; init; }

    /// <summary>Who started it.</summary>
    public IReadOnlyList<string> Initiators { get; init; } = [];

    /// <summary>Where to open it on desktop.</summary>
    public string? PcLink { get; init; }

    /// <summary>Where to open it on mobile.</summary>
    public string? MobileLink { get; init; }
}
