using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>
/// A definition to create or overwrite (<c>POST /approval/v4/approvals</c>). Names and texts are i18n keys
/// (<c>@i18n@…</c>, at least 9 characters) resolved through <see cref="I18nResources"/>. Conditional branches
/// cannot be created through the API.
/// </summary>
public sealed record ApprovalDefinitionCreate
{
    /// <summary>The name's i18n key.</summary>
    public required string ApprovalName { get; init; }

    /// <summary>Given: overwrite that definition; null: create a new one.</summary>
    public string? ApprovalCode { get; init; }

    /// <summary>The description's i18n key.</summary>
    public string? Description { get; init; }

    /// <summary>Who may see and start it.</summary>
    public required IReadOnlyList<ApprovalViewerCreate> Viewers { get; init; }

    /// <summary>The form's widgets (names and option texts are i18n keys). Ignored when <see cref="FormContent"/> is set.</summary>
    public IReadOnlyList<ApprovalWidgetDefinition> Form { get; init; } = [];

    /// <summary>The form as the raw stringified widget array, for widget settings <see cref="Form"/> cannot express.</summary>
    public string? FormContent { get; init; }

    /// <summary>The process: <see cref="ApprovalNodeCreate.Start"/>, the approval nodes, <see cref="ApprovalNodeCreate.End"/>.</summary>
    public required IReadOnlyList<ApprovalNodeCreate> Nodes { get; init; }

    /// <summary>Revert and reject behaviour.</summary>
    public ApprovalDefinitionSettings? Settings { get; init; }

    /// <summary>What admins may change in Feishu's UI.</summary>
    public ApprovalDefinitionConfig Config { get; init; } = new();

    /// <summary>Icon 0–24.</summary>
    public int? Icon { get; init; }

    /// <summary>Texts for every i18n key used.</summary>
    public required IReadOnlyList<ApprovalI18nResource> I18nResources { get; init; }

    /// <summary>Process managers (at most 200), ids of the client's user id type.</summary>
    public IReadOnlyList<string>? ProcessManagerIds { get; init; }

    /// <summary>The kind of user ids in viewers, approvers and managers.</summary>
    public UserIdType UserIdType { get; init; } = UserIdType.OpenId;
}

/// <summary>A viewer of a new definition: <paramref name="ViewerType"/> TENANT, DEPARTMENT, USER or NONE.</summary>
public sealed record ApprovalViewerCreate(string ViewerType, string? ViewerUserId = null, string? ViewerDepartmentId = null);

/// <summary>A node of a new definition's process.</summary>
public sealed record ApprovalNodeCreate
{
    /// <summary>The node id (START and END for the ends).</summary>
    public required string Id { get; init; }

    /// <summary>The name's i18n key.</summary>
    public string? Name { get; init; }

    /// <summary>AND, OR or SEQUENTIAL.</summary>
    public string? NodeType { get; init; }

    /// <summary>Who approves.</summary>
    public IReadOnlyList<ApprovalNodeUser>? Approvers { get; init; }

    /// <summary>Who is copied.</summary>
    public IReadOnlyList<ApprovalNodeUser>? Ccers { get; init; }

    /// <summary>Whether a submitter-chosen node takes several approvers.</summary>
    public bool? ApproverChosenMulti { get; init; }

    /// <summary>When the submitter is an approver: STARTER, AUTO_PASS, SUPERVISOR or DEPARTMENT_MANAGER.</summary>
    public string? StarterAssignee { get; init; }

    /// <summary>The first node.</summary>
    public static ApprovalNodeCreate Start { get; } = new() { Id = "START" };

    /// <summary>The last node.</summary>
    public static ApprovalNodeCreate End { get; } = new() { Id = "END" };
}

/// <summary>An approver or CC of a node: <paramref name="Type"/> Supervisor, SupervisorTopDown, DepartmentManager, DepartmentManagerTopDown, Personal or Free.</summary>
public sealed record ApprovalNodeUser(string Type, string? UserId = null, string? Level = null);

/// <summary>Definition settings.</summary>
/// <param name="RevertIntervalSeconds">How long after approval it may be reverted (0: never).</param>
/// <param name="RevertOption">Whether approvers may revert.</param>
/// <param name="RejectOption">0: rejected ends it; 1: back to the submitter.</param>
/// <param name="QuickApprovalOption">Whether approving from the notification is allowed.</param>
public sealed record ApprovalDefinitionSettings(int? RevertIntervalSeconds = null, int? RevertOption = null, int? RejectOption = null, int? QuickApprovalOption = null);

/// <summary>What may be changed in Feishu's admin UI after creation.</summary>
public sealed record ApprovalDefinitionConfig(bool CanUpdateViewer = false, bool CanUpdateForm = false, bool CanUpdateProcess = false, bool CanUpdateRevert = false, string? HelpUrl = null);
