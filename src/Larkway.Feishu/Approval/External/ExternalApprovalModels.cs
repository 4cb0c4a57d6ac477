using System.Text;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>A third-party approval definition (<c>POST/GET …/external_approvals</c>); names are i18n keys.</summary>
public sealed record ExternalApprovalDefinition
{
    /// <summary>Your code for it (at most 128 characters); an existing code updates that definition.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>The name's i18n key.</summary>
    public required string ApprovalName { get; init; }

    /// <summary>The group it is listed under.</summary>
    public string? GroupCode { get; init; }

    /// <summary>The group name's i18n key.</summary>
    public string? GroupName { get; init; }

    /// <summary>The description's i18n key.</summary>
    public string? Description { get; init; }

    /// <summary>Where it is started and how Feishu calls back.</summary>
    public required ExternalApprovalSettings External { get; init; }

    /// <summary>Who sees it (at most 200; none: nobody).</summary>
    public IReadOnlyList<ApprovalViewerCreate> Viewers { get; init; } = [];

    /// <summary>Texts for the i18n keys.</summary>
    public IReadOnlyList<ApprovalI18nResource> I18nResources { get; init; } = [];

    /// <summary>Its managers (at most 200).</summary>
    public IReadOnlyList<string> Managers { get; init; } = [];

    /// <summary>The kind of user ids in viewers and managers.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>
/// The <c>external</c> part of a third-party definition. <see cref="ActionCallbackToken"/> and <see cref="ActionCallbackKey"/>
/// are secrets (Feishu signs and encrypts its callbacks with them); the client never logs request bodies.
/// </summary>
public sealed record ExternalApprovalSettings
{
    /// <summary>The third-party system's name (i18n key).</summary>
    public string? BizName { get; init; }

    /// <summary>The third-party system's type.</summary>
    public string? BizType { get; init; }

    /// <summary>Where to start one on mobile.</summary>
    public string? CreateLinkMobile { get; init; }

    /// <summary>Where to start one on desktop.</summary>
    public string? CreateLinkPc { get; init; }

    /// <summary>Shown on desktop (at least one of desktop and mobile).</summary>
    public bool SupportPc { get; init; } = true;

    /// <summary>Shown on mobile.</summary>
    public bool SupportMobile { get; init; } = true;

    /// <summary>Whether copies can be marked read in bulk.</summary>
    public bool SupportBatchRead { get; init; }

    /// <summary>Where Feishu posts approve/reject actions taken in its UI.</summary>
    public string? ActionCallbackUrl { get; init; }

    /// <summary>The token of those callbacks (a secret).</summary>
    public string? ActionCallbackToken { get; init; }

    /// <summary>The encryption key of those callbacks (a secret).</summary>
    public string? ActionCallbackKey { get; init; }

    /// <summary>Whether approvers may act on several at once.</summary>
    public bool AllowBatchOperate { get; init; }

    /// <summary>Whether it is left out of efficiency statistics.</summary>
    public bool ExcludeEfficiencyStatistics { get; init; }

    // ToString (and so any log of this record) shows whether the secrets are set, never their values.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BizName = ").Append(BizName)
            .Append(", CreateLinkPc = ").Append(CreateLinkPc)
            .Append(", ActionCallbackUrl = ").Append(ActionCallbackUrl)
            .Append(", ActionCallbackToken = ").Append(ActionCallbackToken is null ? "null" : "***")
            .Append(", ActionCallbackKey = ").Append(ActionCallbackKey is null ? "null" : "***");
        return true;
    }
}

/// <summary>
/// A third-party instance to show in Feishu's approval center (<see cref="ExternalApprovalsClient.SyncInstanceAsync"/>).
/// Statuses: PENDING, APPROVED, REJECTED, CANCELED, DELETED, HIDDEN, TERMINATED.
/// </summary>
public sealed record ExternalApprovalInstance
{
    /// <summary>The third-party definition's code.</summary>
    public required string ApprovalCode { get; init; }

    /// <summary>Your id of the instance (unique per app).</summary>
    public required string InstanceId { get; init; }

    /// <summary>Its status.</summary>
    public required string Status { get; init; }

    /// <summary>Where to open it on desktop.</summary>
    public required string PcLink { get; init; }

    /// <summary>Where to open it on mobile.</summary>
    public string? MobileLink { get; init; }

    /// <summary>The title's i18n key.</summary>
    public string? Title { get; init; }

    /// <summary>Summary fields (i18n keys; the first three are shown).</summary>
    public IReadOnlyList<ExternalApprovalField> Form { get; init; } = [];

    /// <summary>The submitter's user_id.</summary>
    public string? UserId { get; init; }

    /// <summary>The submitter's open_id.</summary>
    public string? OpenId { get; init; }

    /// <summary>The submitter's name (i18n key), when not a Feishu user.</summary>
    public string? UserName { get; init; }

    /// <summary>The submitter's department.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The department's name (i18n key).</summary>
    public string? DepartmentName { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>When it finished; null while open (sent as "0").</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>When it last changed; with <see cref="UpdateMode"/> UPDATE only newer data is applied.</summary>
    public required DateTimeOffset UpdateTime { get; init; }

    /// <summary>BROWSER, SIDEBAR, NORMAL or TRUSTEESHIP.</summary>
    public string? DisplayMethod { get; init; }

    /// <summary>REPLACE (default) or UPDATE.</summary>
    public string? UpdateMode { get; init; }

    /// <summary>Its tasks (at most 300).</summary>
    public IReadOnlyList<ExternalApprovalTask> Tasks { get; init; } = [];

    /// <summary>Its copies (at most 200).</summary>
    public IReadOnlyList<ExternalApprovalCc> CcList { get; init; } = [];

    /// <summary>Texts for the i18n keys.</summary>
    public required IReadOnlyList<ApprovalI18nResource> I18nResources { get; init; }

    /// <summary>Extra data.</summary>
    public string? Extra { get; init; }
}

/// <summary>A summary field of a third-party instance (i18n keys).</summary>
public sealed record ExternalApprovalField(string Name, string Value);

/// <summary>A task of a third-party instance. Statuses: PENDING, APPROVED, REJECTED, TRANSFERRED, DONE.</summary>
public sealed record ExternalApprovalTask
{
    /// <summary>Your id of the task.</summary>
    public required string TaskId { get; init; }

    /// <summary>The approver's user_id.</summary>
    public string? UserId { get; init; }

    /// <summary>The approver's open_id.</summary>
    public string? OpenId { get; init; }

    /// <summary>Its title (i18n key).</summary>
    public string? Title { get; init; }

    /// <summary>Where to open it on desktop.</summary>
    public required string PcLink { get; init; }

    /// <summary>Where to open it on mobile.</summary>
    public string? MobileLink { get; init; }

    /// <summary>Its status.</summary>
    public required string Status { get; init; }

    /// <summary>When it was assigned.</summary>
    public required DateTimeOffset CreateTime { get; init; }

    /// <summary>When it was decided; null while pending.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>Data echoed in action callbacks.</summary>
    public string? ActionContext { get; init; }

    /// <summary>The node's id.</summary>
    public string? NodeId { get; init; }

    /// <summary>The node's name (i18n key).</summary>
    public string? NodeName { get; init; }

    /// <summary>Extra data.</summary>
    public string? Extra { get; init; }
}

/// <summary>A copy of a third-party instance; <paramref name="ReadStatus"/> READ or UNREAD.</summary>
public sealed record ExternalApprovalCc(string CcId, string? UserId, string? OpenId, string PcLink, string? MobileLink, string ReadStatus, DateTimeOffset CreateTime, DateTimeOffset UpdateTime);

/// <summary>What you hold of a synced instance, to compare with Feishu's copy (<see cref="ExternalApprovalsClient.CheckInstancesAsync"/>).</summary>
public sealed record ExternalInstanceCheck(string InstanceId, DateTimeOffset UpdateTime, IReadOnlyList<ExternalTaskCheck> Tasks);

/// <summary>A task's last update as you hold it.</summary>
public sealed record ExternalTaskCheck(string TaskId, DateTimeOffset UpdateTime);

/// <summary>A synced instance's status and tasks as Feishu holds them (<see cref="ExternalApprovalsClient.ListTasksAsync"/>).</summary>
public sealed record ExternalInstanceTasks(string InstanceId, string ApprovalCode, string? ApprovalId, string Status, DateTimeOffset? UpdateTime, IReadOnlyList<ExternalTaskState> Tasks);

/// <summary>A synced task's status.</summary>
public sealed record ExternalTaskState(string Id, string Status, DateTimeOffset? UpdateTime);
