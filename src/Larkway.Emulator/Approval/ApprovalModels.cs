using System.Text.Json;

namespace Larkway.Emulator.Approval;

// Approval entities are mutable classes guarded by ApprovalStore's lock: an instance changes in many
// small steps (tasks, timeline, comments) inside one operation, and readers get JSON views built
// under the same lock, never the objects themselves. They are also what the state file holds
// (State/StateSnapshot.cs); their lists are init-only for the file's reader.

/// <summary>Wire names of statuses and node types (approval v4 pages).</summary>
internal static class ApprovalStatus
{
    public const string Pending = "PENDING";
    public const string Approved = "APPROVED";
    public const string Rejected = "REJECTED";
    public const string Canceled = "CANCELED";
    public const string Deleted = "DELETED";
    public const string Reverted = "REVERTED";
    public const string Transferred = "TRANSFERRED";
    public const string Done = "DONE";
    public const string Rollback = "ROLLBACK";
}

internal static class NodeTypes
{
    public const string And = "AND";
    public const string Or = "OR";
    public const string Sequential = "SEQUENTIAL";

    public static bool IsKnown(string type) => type is And or Or or Sequential;
}

/// <summary>A form widget of a definition. <see cref="Options"/> are the radio/checkbox choices (value → text).</summary>
internal sealed record FormWidget(string Id, string? CustomId, string Name, string Type, bool Required, IReadOnlyList<WidgetOption> Options);

internal sealed record WidgetOption(string Value, string Text);

/// <summary>
/// An approval node between START and END. <see cref="NodeId"/> is the system id (<c>def_key</c> in
/// events), <see cref="CustomNodeId"/> the id the creator gave (<c>custom_key</c>). A <see cref="SelfSelect"/>
/// node takes its approvers from the instance create request (<c>node_approver_*_list</c>).
/// </summary>
internal sealed record ApprovalNode(string NodeId, string CustomNodeId, string Name, string NodeType, IReadOnlyList<string> ApproverOpenIds, IReadOnlyList<string> CcOpenIds, bool SelfSelect);

internal sealed class ApprovalDefinition
{
    public required string Code { get; init; }

    public required string Name { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public required IReadOnlyList<FormWidget> Widgets { get; set; }

    public required IReadOnlyList<ApprovalNode> Nodes { get; set; }

    /// <summary>The form definition as given (stringified widget array), echoed by get.</summary>
    public required string FormContent { get; set; }

    public required string OwnerAppId { get; init; }

    public int NextSerial { get; set; } = 1;
}

internal sealed class ApprovalTask
{
    public required string Id { get; init; }

    /// <summary>Index into the definition's nodes; -1 is START (a task for the submitter after a roll back).</summary>
    public required int NodeIndex { get; init; }

    public required string NodeId { get; init; }

    public required string CustomNodeId { get; init; }

    public required string NodeName { get; init; }

    public required string OpenId { get; set; }

    public required string Type { get; init; }

    /// <summary>Tasks of one node that decide together under <see cref="Type"/> (an add-sign makes a new group).</summary>
    public required int Group { get; init; }

    public string Status { get; set; } = ApprovalStatus.Pending;

    public required long StartTime { get; init; }

    public long EndTime { get; set; }

    /// <summary>An add-sign "before" task: when its group is done, this user gets the task back.</summary>
    public string? ReturnToOpenId { get; init; }

    /// <summary>Place in a SEQUENTIAL node's approver list (the next one starts when this one approves).</summary>
    public int Position { get; init; }

    /// <summary>Which run of the node the task belongs to: a roll back starts a node again.</summary>
    public int Round { get; init; }
}

internal sealed record ApprovalComment(string Id, string OpenId, string Content, long CreateTime)
{
    public bool Deleted { get; init; }

    public long UpdateTime { get; init; }
}

/// <summary>A user an instance was cc'd to, and when (ms).</summary>
internal sealed record CcReceipt(string OpenId, long Time);

internal sealed record TimelineEntry(string Type, long CreateTime, string? OpenId, string? TaskId, string? Comment, string? NodeKey)
{
    public IReadOnlyList<string> OpenIdList { get; init; } = [];

    public IReadOnlyList<string> CcOpenIds { get; init; } = [];

    public string? Ext { get; init; }
}

internal sealed class ApprovalInstance
{
    public required string Code { get; init; }

    public required string ApprovalCode { get; init; }

    public string? Uuid { get; init; }

    public required string ApplicantOpenId { get; init; }

    public string? DepartmentId { get; init; }

    public required string Form { get; set; }

    public string Status { get; set; } = ApprovalStatus.Pending;

    public required string SerialNumber { get; init; }

    public required long StartTime { get; init; }

    public long EndTime { get; set; }

    public bool Reverted { get; set; }

    public string? Title { get; init; }

    /// <summary>
    /// The definition's nodes when the instance was created: a running instance keeps its process even
    /// when the definition is overwritten later (and node indexes stay valid).
    /// </summary>
    public required IReadOnlyList<ApprovalNode> Nodes { get; init; }

    /// <summary>
    /// The definition's form widgets when the instance was created, so its form keeps its labels and option texts
    /// when the definition is overwritten later. Empty for instances stored before this was kept (then the definition's are used).
    /// </summary>
    public IReadOnlyList<FormWidget> Widgets { get; init; } = [];

    /// <summary>Approvers per node as resolved at creation (definition approvers plus self-selected ones).</summary>
    public required IReadOnlyList<IReadOnlyList<string>> NodeApprovers { get; init; }

    public required IReadOnlyList<IReadOnlyList<string>> NodeCcs { get; init; }

    public List<ApprovalTask> Tasks { get; init; } = [];

    public List<ApprovalComment> Comments { get; init; } = [];

    public List<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>Everyone the instance was cc'd to, and when.</summary>
    public List<CcReceipt> Cc { get; init; } = [];

    /// <summary>When status or a task last changed; the list and query windows use <see cref="StartTime"/>.</summary>
    public long UpdateTime { get; set; }

    /// <summary>Incremented each time a node starts (see <see cref="ApprovalTask.Round"/>).</summary>
    public int Round { get; set; }

    /// <summary>The id of the app that created the instance.</summary>
    public required string AppId { get; init; }
}

/// <summary>A third-party (external) approval definition: the business system runs the process.</summary>
internal sealed record ExternalDefinition(string Code, string Name, string? GroupCode, string? GroupName, string BizName, bool SupportPc, bool SupportMobile, string? ActionCallbackUrl, string OwnerAppId)
{
    /// <summary>The parts of the create body the get page returns as given (<c>external</c> without the callback token and key).</summary>
    public ExternalDefinitionEcho Echo { get; init; } = new(null, null, null, null, null);
}

/// <summary>What a third-party definition was created with, kept to be read back.</summary>
internal sealed record ExternalDefinitionEcho(string? Description, JsonElement? External, JsonElement? Viewers, JsonElement? I18nResources, JsonElement? Managers);

/// <summary>A synced external instance; <see cref="Raw"/> is the body as last applied (echoed by sync).</summary>
internal sealed class ExternalInstance
{
    public required string ApprovalCode { get; init; }

    public required string InstanceId { get; init; }

    public required string Status { get; set; }

    public required long UpdateTime { get; set; }

    public required string Title { get; set; }

    public required string? OpenId { get; set; }

    public required System.Text.Json.Nodes.JsonObject Raw { get; set; }

    public Dictionary<string, ExternalTask> Tasks { get; init; } = new(StringComparer.Ordinal);
}

internal sealed record ExternalTask(string TaskId, string? OpenId, string Status, long UpdateTime, string? Title);
