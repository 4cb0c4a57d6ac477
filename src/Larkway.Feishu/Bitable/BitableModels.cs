namespace Larkway.Feishu.Bitable;

/// <summary>A base (多维表格 app) as Feishu returns it; which members are set depends on the call.</summary>
/// <param name="AppToken">The base's token: every other call names the base by it.</param>
public sealed record BitableApp(string AppToken)
{
    /// <summary>The base's name.</summary>
    public string? Name { get; init; }

    /// <summary>The folder it is in (create, copy).</summary>
    public string? FolderToken { get; init; }

    /// <summary>Its link (create, copy).</summary>
    public string? Url { get; init; }

    /// <summary>The table a new base starts with (create).</summary>
    public string? DefaultTableId { get; init; }

    /// <summary>The base's time zone, e.g. <c>Asia/Shanghai</c>: date filters round to its midnight.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The base's version (get).</summary>
    public int? Revision { get; init; }

    /// <summary>Whether advanced permissions are on (get, update).</summary>
    public bool? IsAdvanced { get; init; }

    /// <summary>The formula engine: 2 gives formula fields a result type (get).</summary>
    public int? FormulaType { get; init; }

    /// <summary>The advanced-permission version (get).</summary>
    public string? AdvanceVersion { get; init; }
}

/// <summary>A new base.</summary>
public sealed record BitableAppCreate
{
    /// <summary>Its name (at most 255 characters).</summary>
    public string? Name { get; init; }

    /// <summary>The folder to create it in (default: the caller's root).</summary>
    public string? FolderToken { get; init; }

    /// <summary>Its time zone, e.g. <c>Asia/Shanghai</c>.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>A copy of a base. The copy is made in the background: calls on it answer 1254036 until it is done.</summary>
public sealed record BitableAppCopy
{
    /// <summary>The copy's name.</summary>
    public string? Name { get; init; }

    /// <summary>The folder to put it in.</summary>
    public string? FolderToken { get; init; }

    /// <summary>Copy the structure only, without records.</summary>
    public bool? WithoutContent { get; init; }

    /// <summary>The copy's time zone.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>A table as listed.</summary>
/// <param name="TableId">The table's id (<c>tbl…</c>).</param>
/// <param name="Name">The table's name.</param>
/// <param name="Revision">The table's version.</param>
public sealed record BitableTable(string TableId, string Name, int? Revision);

/// <summary>A new table: its name and, optionally, its first view's name and its fields (the first is the primary field).</summary>
/// <param name="Name">1–100 characters, none of <c>/ \ ? * : [ ]</c>.</param>
public sealed record BitableTableCreate(string Name)
{
    /// <summary>The first view's name (needs <see cref="Fields"/>).</summary>
    public string? DefaultViewName { get; init; }

    /// <summary>The fields, the first being the primary one.</summary>
    public IReadOnlyList<BitableFieldDefinition>? Fields { get; init; }
}

/// <summary>What creating a table made.</summary>
/// <param name="TableId">The table.</param>
/// <param name="DefaultViewId">Its first view.</param>
/// <param name="FieldIds">Its fields' ids, in the order given.</param>
public sealed record BitableTableCreated(string TableId, string? DefaultViewId, IReadOnlyList<string> FieldIds);

/// <summary>The documented view types.</summary>
public static class BitableViewTypes
{
    /// <summary>A grid (the default).</summary>
    public const string Grid = "grid";

    /// <summary>A kanban board.</summary>
    public const string Kanban = "kanban";

    /// <summary>A gallery.</summary>
    public const string Gallery = "gallery";

    /// <summary>A Gantt chart.</summary>
    public const string Gantt = "gantt";

    /// <summary>A form.</summary>
    public const string Form = "form";
}

/// <summary>A view as Feishu returns it.</summary>
public sealed record BitableView
{
    /// <summary>The view's id (<c>vew…</c>).</summary>
    public string ViewId { get; init; } = "";

    /// <summary>The view's name.</summary>
    public string ViewName { get; init; } = "";

    /// <summary>The view's type (<see cref="BitableViewTypes"/>).</summary>
    public string? ViewType { get; init; }

    /// <summary><c>Public</c>, <c>Locked</c> or <c>Private</c> (list).</summary>
    public string? ViewPublicLevel { get; init; }

    /// <summary>The owner of a private view (list).</summary>
    public string? ViewPrivateOwnerId { get; init; }

    /// <summary>The view's filter, hidden fields and hierarchy (get, patch).</summary>
    public BitableViewProperty? Property { get; init; }
}

/// <summary>A view's settings as Feishu returns them.</summary>
public sealed record BitableViewProperty
{
    /// <summary>The view's filter (conditions name fields by id).</summary>
    public BitableViewFilterInfo? FilterInfo { get; init; }

    /// <summary>The ids of the fields the view hides.</summary>
    public IReadOnlyList<string>? HiddenFields { get; init; }

    /// <summary>The field the view's hierarchy (sub-records) follows.</summary>
    public BitableHierarchyConfig? HierarchyConfig { get; init; }
}

/// <summary>A view's filter as Feishu returns it.</summary>
public sealed record BitableViewFilterInfo
{
    /// <summary><c>and</c> or <c>or</c>.</summary>
    public string? Conjunction { get; init; }

    /// <summary>The conditions.</summary>
    public IReadOnlyList<BitableViewCondition>? Conditions { get; init; }

    /// <summary>Whether some conditions were left out of the answer.</summary>
    public bool? ConditionOmitted { get; init; }
}

/// <summary>One condition of a view's filter as Feishu returns it: the value is a JSON array in a string.</summary>
public sealed record BitableViewCondition
{
    /// <summary>The field's id.</summary>
    public string FieldId { get; init; } = "";

    /// <summary>The operator, e.g. <c>is</c>.</summary>
    public string Operator { get; init; } = "";

    /// <summary>The value: a JSON array in a string, e.g. <c>"[\"Done\"]"</c>.</summary>
    public string? Value { get; init; }

    /// <summary>The condition's id.</summary>
    public string? ConditionId { get; init; }

    /// <summary>The field's type.</summary>
    public int? FieldType { get; init; }
}

/// <summary>The field a view's hierarchy follows.</summary>
/// <param name="FieldId">The field's id.</param>
public sealed record BitableHierarchyConfig(string? FieldId);

/// <summary>What <c>Records.BatchGetAsync</c> found.</summary>
/// <param name="Records">The records found, in the order asked.</param>
/// <param name="ForbiddenRecordIds">Ids the caller may not read (advanced permissions).</param>
/// <param name="AbsentRecordIds">Ids that do not exist.</param>
public sealed record BitableBatchGetResult(IReadOnlyList<BitableRecord> Records, IReadOnlyList<string> ForbiddenRecordIds, IReadOnlyList<string> AbsentRecordIds);

/// <summary>A record to update in a batch: its id and the cells to change.</summary>
/// <param name="RecordId">The record.</param>
/// <param name="Fields">The cells to change (others stay).</param>
public sealed record BitableRecordUpdate(string RecordId, BitableRecordFields Fields);

/// <summary>A deleted record.</summary>
/// <param name="RecordId">The record.</param>
/// <param name="Deleted">True when this call deleted it; false when it no longer existed (a retried delete, or a wrong id).</param>
public sealed record BitableDeletedRecord(string RecordId, bool Deleted);
