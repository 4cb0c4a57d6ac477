using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>What <see cref="ApprovalInstancesClient.CreateAsync"/> sends (<c>POST /approval/v4/instances</c>).</summary>
public sealed record ApprovalInstanceCreate
{
    /// <summary>The definition to start.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The submitter's open_id (give this or <see cref="UserId"/>).</summary>
    public string? OpenId { get; init; }

    /// <summary>The submitter's user_id (wins over <see cref="OpenId"/>).</summary>
    public string? UserId { get; init; }

    /// <summary>The submitter's department, needed when they are in several (not the root).</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The filled-in form.</summary>
    public required ApprovalForm Form { get; init; }

    /// <summary>When given, the form is validated against it before anything is sent, and sent with its exact widget ids and types.</summary>
    public ApprovalDefinition? Definition { get; init; }

    /// <summary>1–64 characters that make the create idempotent: a retry with the same uuid returns the first instance.</summary>
    public string? Uuid { get; init; }

    /// <summary>The instance title (an i18n key from <see cref="I18nResources"/>).</summary>
    public string? Title { get; init; }

    /// <summary>0: show the title with the definition name; 1: the title alone.</summary>
    public int? TitleDisplayMethod { get; init; }

    /// <summary>Approvers of submitter-chosen nodes, by user_id: node id (or custom node id) → user ids.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? NodeApproverUserIds { get; init; }

    /// <summary>Approvers of submitter-chosen nodes, by open_id: node id (or custom node id) → open ids.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? NodeApprovers { get; init; }

    /// <summary>CC recipients of submitter-chosen CC nodes by user_id (at most 20 per node).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? NodeCcUserIds { get; init; }

    /// <summary>CC recipients of submitter-chosen CC nodes by open_id (at most 20 per node).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? NodeCcOpenIds { get; init; }

    /// <summary>Whether the submitter may not withdraw it (default: may).</summary>
    public bool? ForbidRevoke { get; init; }

    /// <summary>Whether it may be resubmitted after a rejection.</summary>
    public bool? AllowResubmit { get; init; }

    /// <summary>Whether it may be submitted again once finished.</summary>
    public bool? AllowSubmitAgain { get; init; }

    /// <summary>Suppress the bot's notice on: "1" approved, "2" rejected, "4" cancelled (sum them as a string, e.g. "3").</summary>
    public string? CancelBotNotification { get; init; }

    /// <summary>Texts for the i18n keys used by <see cref="Title"/>.</summary>
    public IReadOnlyList<ApprovalI18nResource>? I18nResources { get; init; }
}

/// <summary>Texts of one locale (<c>zh-CN</c>, <c>en-US</c>, <c>ja-JP</c>): i18n key → text.</summary>
public sealed record ApprovalI18nResource(string Locale, IReadOnlyDictionary<string, string> Texts, bool IsDefault);

/// <summary>An approval instance (<c>GET /approval/v4/instances/{code}</c>).</summary>
public sealed record ApprovalInstance
{
    /// <summary>Its code.</summary>
    public string InstanceCode { get; init; } = "";

    /// <summary>The definition's code.</summary>
    public string ApprovalCode { get; init; } = "";

    /// <summary>The definition's name.</summary>
    public string ApprovalName { get; init; } = "";

    /// <summary>See <see cref="ApprovalStatus"/>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The uuid it was created with.</summary>
    public string? Uuid { get; init; }

    /// <summary>The submitter's open_id.</summary>
    public string? OpenId { get; init; }

    /// <summary>The submitter's id of the requested type.</summary>
    public string? UserId { get; init; }

    /// <summary>The submitter's department.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The approval's serial number.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>When it finished; null while open (the wire's "0").</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The form as Feishu returns it (a JSON array as a string, with widget names and values).</summary>
    public string Form { get; init; } = "[]";

    /// <summary>Whether it was reverted after approval.</summary>
    public bool Reverted { get; init; }

    /// <summary>The tasks (one per approver and node).</summary>
    public IReadOnlyList<ApprovalTask> Tasks { get; init; } = [];

    /// <summary>The comments.</summary>
    public IReadOnlyList<ApprovalComment> Comments { get; init; } = [];

    /// <summary>What happened, in order.</summary>
    public IReadOnlyList<ApprovalTimelineEntry> Timeline { get; init; } = [];

    /// <summary>The code of the instance this one was modified from, if any.</summary>
    public string? ModifiedInstanceCode { get; init; }

    /// <summary>The code of the instance this one reverted, if any.</summary>
    public string? RevertedInstanceCode { get; init; }
}

/// <summary>One approver's task of an instance.</summary>
public sealed record ApprovalTask
{
    /// <summary>The task id (for approve/reject/transfer).</summary>
    public string Id { get; init; } = "";

    /// <summary>The approver's open_id.</summary>
    public string? OpenId { get; init; }

    /// <summary>The approver's id of the requested type.</summary>
    public string? UserId { get; init; }

    /// <summary>PENDING, APPROVED, REJECTED, TRANSFERRED or DONE.</summary>
    public string Status { get; init; } = "";

    /// <summary>The node's id.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node's name.</summary>
    public string? NodeName { get; init; }

    /// <summary>The node's custom id.</summary>
    public string? CustomNodeId { get; init; }

    /// <summary>AND, OR, AUTO_PASS, AUTO_REJECT or SEQUENTIAL.</summary>
    public string? Type { get; init; }

    /// <summary>When it was assigned.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>When it was decided; null while pending.</summary>
    public DateTimeOffset? EndTime { get; init; }
}

/// <summary>A comment on an instance as the instance shows it.</summary>
public sealed record ApprovalComment
{
    /// <summary>Its id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The author's id of the requested type.</summary>
    public string? UserId { get; init; }

    /// <summary>The author's open_id.</summary>
    public string? OpenId { get; init; }

    /// <summary>The text.</summary>
    public string Comment { get; init; } = "";

    /// <summary>When it was written.</summary>
    public DateTimeOffset CreateTime { get; init; }
}

/// <summary>An entry of an instance's timeline.</summary>
public sealed record ApprovalTimelineEntry
{
    /// <summary>START, PASS, REJECT, AUTO_PASS, AUTO_REJECT, REMOVE_REPEAT, TRANSFER, ADD_APPROVER_BEFORE, ADD_APPROVER, ADD_APPROVER_AFTER, DELETE_APPROVER, ROLLBACK_SELECTED, ROLLBACK, CANCEL, DELETE, CC, …</summary>
    public string Type { get; init; } = "";

    /// <summary>When it happened.</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary>Who acted (id of the requested type).</summary>
    public string? UserId { get; init; }

    /// <summary>Who acted (open_id).</summary>
    public string? OpenId { get; init; }

    /// <summary>Users concerned (e.g. transferred to), ids of the requested type.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];

    /// <summary>Users concerned, open_ids.</summary>
    public IReadOnlyList<string> OpenIds { get; init; } = [];

    /// <summary>The task it concerns.</summary>
    public string? TaskId { get; init; }

    /// <summary>The comment given.</summary>
    public string? Comment { get; init; }

    /// <summary>Type-specific details (a JSON string).</summary>
    public string? Ext { get; init; }

    /// <summary>The node's key (what <see cref="ApprovalRollback.NodeKeys"/> takes, from PASS entries).</summary>
    public string? NodeKey { get; init; }

    /// <summary>Who was copied, for CC entries (the timeline's <c>cc_user_list</c>; <see cref="OpenIds"/> stays empty there).</summary>
    public IReadOnlyList<ApprovalCcUser> CcUsers { get; init; } = [];
}

/// <summary>A user copied on an instance: ids of the requested type and open_id, and the cc's own id.</summary>
public sealed record ApprovalCcUser(string? UserId, string? OpenId, string? CcId);

/// <summary>The status strings of instances, with <see cref="IsFinal"/>.</summary>
public static class ApprovalStatus
{
    /// <summary>Waiting for approvers.</summary>
    public const string Pending = "PENDING";

    /// <summary>Approved.</summary>
    public const string Approved = "APPROVED";

    /// <summary>Rejected.</summary>
    public const string Rejected = "REJECTED";

    /// <summary>Withdrawn by the submitter.</summary>
    public const string Canceled = "CANCELED";

    /// <summary>Deleted.</summary>
    public const string Deleted = "DELETED";

    /// <summary>Reverted after approval (the instance's <see cref="ApprovalInstance.Reverted"/>; events say REVERTED).</summary>
    public const string Reverted = "REVERTED";

    /// <summary>Whether an instance in <paramref name="status"/> will not change any more (anything but PENDING).</summary>
    public static bool IsFinal(string? status) => status is Approved or Rejected or Canceled or Deleted or Reverted;
}

/// <summary>A decision on a task (approve or reject).</summary>
public sealed record ApprovalTaskDecision
{
    /// <summary>The definition's code.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The instance's code.</summary>
    public required string InstanceCode { get; init; }

    /// <summary>The approver (the task's owner), of <see cref="UserIdType"/>.</summary>
    public required string UserId { get; init; }

    /// <summary>The task.</summary>
    public required string TaskId { get; init; }

    /// <summary>A comment shown with the decision.</summary>
    public string? Comment { get; init; }

    /// <summary>Values of branch-condition widgets, when the node asks for them.</summary>
    public ApprovalForm? Form { get; init; }

    /// <summary>The kind of <see cref="UserId"/>.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}
