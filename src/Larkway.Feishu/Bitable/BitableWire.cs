using System.Text.Json;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

// Wire shapes of the bitable v1 endpoints (snake_case through BitableJsonContext). Public models are read straight where
// their shape is the wire's (fields, views); records and apps pass through these.

internal sealed class PersonWire
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? EnName { get; set; }

    public string? Email { get; set; }

    public string? AvatarUrl { get; set; }

    public BitablePerson ToModel() => new(Id ?? "") { Name = Name, EnName = EnName, Email = Email, AvatarUrl = AvatarUrl };
}

internal sealed class RecordWire
{
    public string? RecordId { get; set; }

    public Dictionary<string, JsonElement>? Fields { get; set; }

    public PersonWire? CreatedBy { get; set; }

    public long? CreatedTime { get; set; }

    public PersonWire? LastModifiedBy { get; set; }

    public long? LastModifiedTime { get; set; }

    public string? SharedUrl { get; set; }

    public string? RecordUrl { get; set; }

    public BitableRecord ToModel() => new(RecordId ?? "", Fields is { Count: > 0 } fields ? new BitableFieldValues(fields) : BitableFieldValues.None)
    {
        CreatedBy = CreatedBy?.ToModel(),
        CreatedTime = Time(CreatedTime),
        LastModifiedBy = LastModifiedBy?.ToModel(),
        LastModifiedTime = Time(LastModifiedTime),
        SharedUrl = SharedUrl,
        RecordUrl = RecordUrl,
    };

    private static DateTimeOffset? Time(long? ms) => ms is { } value and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}

internal sealed class RecordData
{
    public RecordWire? Record { get; set; }
}

internal sealed class RecordsData
{
    public List<RecordWire>? Records { get; set; }
}

internal sealed class BatchGetData
{
    public List<RecordWire>? Records { get; set; }

    public List<string>? ForbiddenRecordIds { get; set; }

    public List<string>? AbsentRecordIds { get; set; }
}

internal sealed class DeletedRecordWire
{
    public bool Deleted { get; set; }

    public string? RecordId { get; set; }
}

internal sealed class DeletedRecordsData
{
    public List<DeletedRecordWire>? Records { get; set; }
}

internal sealed record RecordBody(BitableRecordFields Fields);

internal sealed record RecordsBody(List<RecordBody> Records);

internal sealed record RecordUpdateWire(string RecordId, BitableRecordFields Fields);

internal sealed record RecordUpdatesBody(List<RecordUpdateWire> Records);

internal sealed record RecordIdsBody(List<string> Records);

internal sealed record BatchGetBody(List<string> RecordIds, string? UserIdType, bool? WithSharedUrl, bool? AutomaticFields);

internal sealed record SortWire(string FieldName, bool Desc);

internal sealed record ConditionWire(string FieldName, string Operator, List<string> Value);

internal sealed record ChildFilterWire(string Conjunction, List<ConditionWire> Conditions);

internal sealed record FilterWire(string Conjunction, List<ConditionWire>? Conditions, List<ChildFilterWire>? Children);

internal sealed record SearchBody(string? ViewId, List<string>? FieldNames, List<SortWire>? Sort, FilterWire? Filter, bool? AutomaticFields);

internal sealed class AppWire
{
    public string? AppToken { get; set; }

    public string? Name { get; set; }

    public string? FolderToken { get; set; }

    public string? Url { get; set; }

    public string? DefaultTableId { get; set; }

    public string? TimeZone { get; set; }

    public int? Revision { get; set; }

    public bool? IsAdvanced { get; set; }

    public int? FormulaType { get; set; }

    public string? AdvanceVersion { get; set; }

    public BitableApp ToModel() => new(AppToken ?? "")
    {
        Name = Name,
        FolderToken = FolderToken,
        Url = Url,
        DefaultTableId = DefaultTableId,
        TimeZone = TimeZone,
        Revision = Revision,
        IsAdvanced = IsAdvanced,
        FormulaType = FormulaType,
        AdvanceVersion = AdvanceVersion,
    };
}

internal sealed class AppData
{
    public AppWire? App { get; set; }
}

internal sealed record AppCreateBody(string? Name, string? FolderToken, string? TimeZone);

internal sealed record AppUpdateBody(string? Name, bool? IsAdvanced);

internal sealed record AppCopyBody(string? Name, string? FolderToken, bool? WithoutContent, string? TimeZone);

internal sealed class TableWire
{
    public string? TableId { get; set; }

    public string? Name { get; set; }

    public int? Revision { get; set; }

    public BitableTable ToModel() => new(TableId ?? "", Name ?? "", Revision);
}

internal sealed record FieldDescriptionWire(string? Text, bool? DisableSync);

internal sealed record FieldDefinitionWire(string FieldName, int Type, string? UiType, BitableFieldProperty? Property, FieldDescriptionWire? Description)
{
    public static FieldDefinitionWire From(BitableFieldDefinition definition) => new(
        definition.FieldName, (int)definition.Type, definition.UiType, definition.Property,
        definition.Description is null && definition.DescriptionDisableSync is null ? null : new FieldDescriptionWire(definition.Description, definition.DescriptionDisableSync));
}

internal sealed record TableCreateWire(string Name, string? DefaultViewName, List<FieldDefinitionWire>? Fields);

internal sealed record TableCreateBody(TableCreateWire Table);

internal sealed class TableCreatedData
{
    public string? TableId { get; set; }

    public string? DefaultViewId { get; set; }

    public List<string>? FieldIdList { get; set; }
}

internal sealed record TableNameWire(string Name);

internal sealed record TablesBody(List<TableNameWire> Tables);

internal sealed class TableIdsData
{
    public List<string>? TableIds { get; set; }
}

internal sealed record TableIdsBody(List<string> TableIds);

internal sealed class TableNameData
{
    public string? Name { get; set; }
}

internal sealed class FieldData
{
    public BitableField? Field { get; set; }
}

internal sealed class FieldDeletedData
{
    public string? FieldId { get; set; }

    public bool Deleted { get; set; }
}

internal sealed record ViewCreateBody(string ViewName, string? ViewType);

internal sealed class ViewData
{
    public BitableView? View { get; set; }
}

internal sealed record ViewConditionWire(string FieldId, string Operator, string? Value);

internal sealed record ViewFilterWire(string Conjunction, List<ViewConditionWire> Conditions);

internal sealed record HierarchyWire(string? FieldId);

internal sealed record ViewPropertyWire(ViewFilterWire? FilterInfo, List<string>? HiddenFields, HierarchyWire? HierarchyConfig);

internal sealed record ViewPatchBody(string? ViewName, ViewPropertyWire? Property);

internal sealed class SubscriptionData
{
    public bool IsSubscribe { get; set; }
}

/// <summary>The answer of a drive media upload: the token an attachment cell names.</summary>
internal sealed class MediaData
{
    public string? FileToken { get; set; }
}

/// <summary>A page of a list or a search (items, paging, total).</summary>
internal sealed class BitablePageData<T>
{
    public List<T>? Items { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }

    public int? Total { get; set; }

    public FeishuPage<TModel> ToPage<TModel>(Func<T, TModel> map) =>
        new((Items ?? []).Select(map).ToArray(), HasMore ? PageToken : null, HasMore) { Total = Total };
}

/// <summary>The user id type's wire name, or null for the default (open_id), which is then not sent.</summary>
internal static class BitableWireNames
{
    public static string? UserIdType(UserIdType? type) => type is { } t ? Checks.Wire(t) : null;
}
