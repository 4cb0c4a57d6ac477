namespace Larkway.Feishu.Approval;

/// <summary>An approval definition as <c>GET /approval/v4/approvals/{code}</c> returns it, its form parsed into widgets.</summary>
public sealed record ApprovalDefinition
{
    /// <summary>The definition's code (what instances are created against).</summary>
    public string ApprovalCode { get; init; } = "";

    /// <summary>Its display name (in the requested locale).</summary>
    public string ApprovalName { get; init; } = "";

    /// <summary><c>ACTIVE</c>, <c>INACTIVE</c>, <c>DELETED</c> or <c>UNKNOWN</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The form's widgets, in order (the stringified <c>form</c> parsed).</summary>
    public IReadOnlyList<ApprovalWidgetDefinition> Form { get; init; } = [];

    /// <summary>The process's nodes.</summary>
    public IReadOnlyList<ApprovalNodeDefinition> Nodes { get; init; } = [];

    /// <summary>Who may see and start it.</summary>
    public IReadOnlyList<ApprovalViewer> Viewers { get; init; } = [];

    /// <summary>open_ids of the definition's data admins (only when asked for).</summary>
    public IReadOnlyList<string> AdminIds { get; init; } = [];

    /// <summary>The form exactly as received (a JSON array as a string).</summary>
    public string FormJson { get; init; } = "[]";

    /// <summary>The widget whose id or custom_id is <paramref name="idOrCustomId"/>, at the top level of the form.</summary>
    public ApprovalWidgetDefinition? FindWidget(string idOrCustomId) => ApprovalWidgetDefinition.Find(Form, idOrCustomId);
}

/// <summary>One widget of a definition's form.</summary>
public sealed record ApprovalWidgetDefinition
{
    /// <summary>The widget id (<c>widget…</c>) that instance forms use.</summary>
    public required string Id { get; init; }

    /// <summary>The id set by the definition's author, when there is one; accepted in place of <see cref="Id"/> by <see cref="ApprovalForm"/>.</summary>
    public string? CustomId { get; init; }

    /// <summary>The label.</summary>
    public string Name { get; init; } = "";

    /// <summary>The widget type (<see cref="ApprovalWidgetTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>Whether a value must be given.</summary>
    public bool Required { get; init; }

    /// <summary>The choices of a radio/checkbox widget (empty when the options are external or not listed).</summary>
    public IReadOnlyList<ApprovalWidgetOption> Options { get; init; } = [];

    /// <summary>The columns of a detail table (<c>fieldList</c>).</summary>
    public IReadOnlyList<ApprovalWidgetDefinition> Children { get; init; } = [];

    /// <summary>How errors name the widget: its custom_id when it has one (what business systems key values by), else its id.</summary>
    internal string Key => CustomId ?? Id;

    /// <summary>"widget 'key' (type)", how validation messages name the widget.</summary>
    internal string Label() => $"widget '{Key}' ({Type})";

    internal bool HasOption(string value) => Options.Count == 0 || Options.Any(o => o.Value == value);

    internal string OptionList() => Options.Count == 0 ? "(no options listed)" : string.Join(", ", Options.Select(o => o.Value));

    internal ApprovalWidgetDefinition? FindChild(string idOrCustomId) => Find(Children, idOrCustomId);

    internal static ApprovalWidgetDefinition? Find(IReadOnlyList<ApprovalWidgetDefinition> widgets, string idOrCustomId) =>
        widgets.FirstOrDefault(w => w.Id == idOrCustomId) ?? widgets.FirstOrDefault(w => w.CustomId == idOrCustomId);
}

/// <summary>A choice of a radio/checkbox widget: the <paramref name="Value"/> to send and the <paramref name="Text"/> shown.</summary>
public sealed record ApprovalWidgetOption(string Value, string Text);

/// <summary>A node of a definition's process.</summary>
public sealed record ApprovalNodeDefinition
{
    /// <summary>The node id.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The author's id for the node, when set (usable wherever a node id is).</summary>
    public string? CustomNodeId { get; init; }

    /// <summary>Its name.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>AND</c>, <c>OR</c>, <c>SEQUENTIAL</c> or <c>CC_NODE</c>.</summary>
    public string NodeType { get; init; } = "";

    /// <summary>Whether the submitter picks the approvers (pass them in <see cref="ApprovalInstanceCreate.NodeApprovers"/>).</summary>
    public bool NeedApprover { get; init; }

    /// <summary>Whether several approvers may be picked.</summary>
    public bool ApproverChosenMulti { get; init; }

    /// <summary>Whether approving needs a handwritten signature (the API cannot give one).</summary>
    public bool RequireSignature { get; init; }
}

/// <summary>A viewer of a definition: <paramref name="Type"/> TENANT, DEPARTMENT, USER, ROLE, USER_GROUP or NONE.</summary>
public sealed record ApprovalViewer(string Type, string? Id, string? UserId);

/// <summary>The result of creating a definition.</summary>
public sealed record ApprovalDefinitionCreated(string ApprovalCode, string? ApprovalId);
