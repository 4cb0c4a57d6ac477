namespace Larkway.Hub.Approvals;

/// <summary>
/// An approval a business system asked for: the request as accepted, the platform's instance it became, where it stands,
/// (while <see cref="ApprovalState.Submitting"/>, its create is a work item of <see cref="ApprovalSubmissions"/>).
/// </summary>
public sealed class ApprovalRow
{
    /// <summary>Longest stored error message.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>The public id (<c>apr_…</c>); the instance's <see cref="Uuid"/> is derived from it.</summary>
    public string Id { get; set; } = "";

    /// <summary>Who created it: an API key id, or <c>admin</c>.</summary>
    public string Caller { get; set; } = "";

    /// <summary>The caller's idempotency key (unique per caller).</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>A hash of the request's meaning, to tell a retry from a different request under the same key.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>The stored app that creates the instance; null for the default app.</summary>
    public string? App { get; set; }

    /// <summary>The platform of <see cref="App"/> when the approval was accepted (<c>feishu</c>, <c>dingtalk</c>, <c>wecom</c>).</summary>
    public string Platform { get; set; } = "";

    /// <summary>The definition's code on the platform (Feishu's approval code, DingTalk's process code, WeCom's template id).</summary>
    public string Definition { get; set; } = "";

    /// <summary>How the caller named the applicant: <c>email</c>, <c>person_id</c>, or one of the platform's id types (<c>open_id</c>, <c>user_id</c>).</summary>
    public string ApplicantType { get; set; } = "";

    /// <summary>The applicant as the caller named them.</summary>
    public string Applicant { get; set; } = "";

    /// <summary>The applicant's id on the platform as tasks name people (resolved when accepted); null when the platform takes the caller's id as it is (Feishu's user_id).</summary>
    public string? ApplicantUserId { get; set; }

    /// <summary>The applicant's directory person, when known.</summary>
    public string? ApplicantPersonId { get; set; }

    /// <summary>The approvers picked for self-select nodes, resolved (JSON: node → <see cref="ApprovalPerson"/>[]); null when none.</summary>
    public string? Approvers { get; set; }

    /// <summary>The applicant's department, when they are in several.</summary>
    public string? DepartmentId { get; set; }

    /// <summary>The instance title, if the caller gave one.</summary>
    public string? Title { get; set; }

    /// <summary>The form values as the caller sent them (a JSON object by widget id or custom id).</summary>
    public string Form { get; set; } = "{}";

    /// <summary>The definition's name when the approval was accepted; null before names were kept.</summary>
    public string? ApprovalName { get; set; }

    /// <summary>The form as people read it — widget labels, option texts (JSON array of <see cref="ApprovalFormLine"/>); null before labels were kept.</summary>
    public string? FormDisplay { get; set; }

    /// <summary>The business system's own id for what is being approved, echoed back in every answer and callback.</summary>
    public string? Reference { get; set; }

    /// <summary>The idempotency key derived from the id, sent where the platform's create takes one (Feishu's uuid).</summary>
    public string Uuid { get; set; } = "";

    /// <summary>Where it stands.</summary>
    public ApprovalState Status { get; set; }

    /// <summary>The platform's instance id (Feishu's instance code, DingTalk's process instance id, WeCom's sp_no), once created.</summary>
    public string? InstanceCode { get; set; }

    /// <summary>The latest tasks as the platform reported them (JSON array of <see cref="ApprovalTaskSnapshot"/>).</summary>
    public string Tasks { get; set; } = "[]";

    /// <summary>The number of the last transition (0: none); guards concurrent appliers (optimistic concurrency).</summary>
    public int Sequence { get; set; }

    /// <summary>The platform's numeric code for a failed create (or the last failed attempt); null for a text code.</summary>
    public int? ErrorCode { get; set; }

    /// <summary>The platform's code as it gave it (a JSON number or string: DingTalk's are text); null before codes were kept so.</summary>
    public string? ErrorCodeText { get; set; }

    /// <summary>The platform's message for the failure.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The platform's request id for the failure (Feishu's log id).</summary>
    public string? LogId { get; set; }

    /// <summary>When accepted.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the Hub last read the instance from the platform (or created it).</summary>
    public DateTimeOffset? SyncedAt { get; set; }

    /// <summary>When reconciliation should read the instance again if no event comes first.</summary>
    public DateTimeOffset? NextSyncAt { get; set; }

    /// <summary>
    /// When the Hub first saw the approval end (approved, rejected, …): a platform's revert window counts from about then,
    /// so reconciliation keeps reading a revertible outcome until this plus <see cref="ApprovalOptions.RevertWindow"/>.
    /// </summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The notification whose card button opened this approval (its outcome updates that card), if any.</summary>
    public string? NotificationId { get; set; }

    /// <summary>The final status the approval's cards (and the linked notification) were last updated to show.</summary>
    public string? CardsShowStatus { get; set; }

    /// <summary>
    /// Set in the same transaction as every recorded change, cleared once the cards (approvers' and a linked notification's)
    /// show it: a crash in between leaves it set, and reconciliation finishes the refresh.
    /// </summary>
    public bool CardsDue { get; set; }
}

/// <summary>
/// One change an approval went through — its status, or one task's — in order (<see cref="Sequence"/>), with who,
/// what they wrote and where the Hub learned it. Each is one callback to the business system.
/// </summary>
public sealed class ApprovalTransitionRow
{
    /// <summary>Longest stored comment.</summary>
    public const int MaxCommentLength = 2000;

    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The approval.</summary>
    public string ApprovalId { get; set; } = "";

    /// <summary>1, 2, 3 … per approval: the order receivers apply callbacks in.</summary>
    public int Sequence { get; set; }

    /// <summary>
    /// What changed, unique per approval (<c>status:approved</c>, <c>task:{id}:approved</c>): a duplicate or late event can
    /// never record the same change twice.
    /// </summary>
    public string Key { get; set; } = "";

    /// <summary>The callback event type (<c>larkway.approval.approved</c>, <c>larkway.approval.task_approved</c>, …).</summary>
    public string EventType { get; set; } = "";

    /// <summary>The approval's status after this transition (wire name).</summary>
    public string Status { get; set; } = "";

    /// <summary>The task, for a task transition.</summary>
    public string? TaskId { get; set; }

    /// <summary>The task's new status (wire name), for a task transition.</summary>
    public string? TaskStatus { get; set; }

    /// <summary>The task's node name.</summary>
    public string? NodeName { get; set; }

    /// <summary>Who acted (the approver of a task; the deciding approver of a decision) by their id on the platform, when known.</summary>
    public string? OperatorUserId { get; set; }

    /// <summary>What they wrote.</summary>
    public string? Comment { get; set; }

    /// <summary>How the Hub learned it: <c>event</c>, <c>reconcile</c>, <c>card</c> or <c>api</c>.</summary>
    public string Source { get; set; } = "";

    /// <summary>When the Hub recorded it.</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>Where an approval stands (on the wire in snake_case: <c>pending</c>, <c>approved</c>, …).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Larkway.Hub.Platform.Http.SnakeCaseEnumConverter<ApprovalState>))]
public enum ApprovalState
{
    /// <summary>Accepted; the platform's instance is being created (retried after a transient failure, never made twice).</summary>
    Submitting,

    /// <summary>The instance exists and waits for approvers.</summary>
    Pending,

    /// <summary>Approved (may still be reverted within the definition's revert window).</summary>
    Approved,

    /// <summary>Rejected.</summary>
    Rejected,

    /// <summary>Withdrawn by the applicant (final).</summary>
    Canceled,

    /// <summary>Deleted on the platform (final).</summary>
    Deleted,

    /// <summary>Approved, then reverted.</summary>
    Reverted,

    /// <summary>The platform refused to create the instance (bad code, unknown user, …) or the create ran out of attempts (final).</summary>
    Failed,
}
