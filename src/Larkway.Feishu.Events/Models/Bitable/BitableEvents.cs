using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Bitable;

/// <summary>What both bitable change events carry: the base, the table, its version, who changed it and when.</summary>
public abstract record BitableTableEvent : FeishuEvent
{
    /// <summary>Always <c>bitable</c>.</summary>
    public string? FileType { get; init; }

    /// <summary>The base (its app_token).</summary>
    public string FileToken { get; init; } = "";

    /// <summary>The table changed.</summary>
    public string TableId { get; init; } = "";

    /// <summary>The table's version after the change.</summary>
    public long Revision { get; init; }

    /// <summary>Who made the change.</summary>
    public UserIds? OperatorId { get; init; }

    /// <summary>The users subscribed.</summary>
    public IReadOnlyList<UserIds>? SubscriberIdList { get; init; }

    /// <summary>When the change was made, in Unix <b>seconds</b>.</summary>
    public long UpdateTime { get; init; }
}

/// <summary>
/// <c>drive.file.bitable_record_changed_v1</c>: records of a table were added, edited or deleted. Arrives only for bases
/// the app subscribed to (<c>client.Bitable.Subscriptions.SubscribeAsync</c>, per base). Values are keyed by field id and
/// only changed fields are listed; formula values never are, and a formula's value changing fires nothing.
/// </summary>
public sealed record BitableRecordChangedEvent : BitableTableEvent, IFeishuEventType
{
    public const string Type = "drive.file.bitable_record_changed_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>The changes, one per record.</summary>
    public IReadOnlyList<BitableRecordAction> ActionList { get; init; } = [];
}

/// <summary>What happened to one record.</summary>
public sealed record BitableRecordAction
{
    /// <summary>The record.</summary>
    public string RecordId { get; init; } = "";

    /// <summary><c>record_added</c>, <c>record_edited</c> or <c>record_deleted</c> (<see cref="BitableRecordActions"/>).</summary>
    public string Action { get; init; } = "";

    /// <summary>The changed fields before the change (empty for an added record).</summary>
    public IReadOnlyList<BitableFieldValueChange>? BeforeValue { get; init; }

    /// <summary>The changed fields after the change (empty for a deleted record).</summary>
    public IReadOnlyList<BitableFieldValueChange>? AfterValue { get; init; }
}

/// <summary>The record actions.</summary>
public static class BitableRecordActions
{
    public const string Added = "record_added";
    public const string Edited = "record_edited";
    public const string Deleted = "record_deleted";
}

/// <summary>
/// One field's value in a record change. <see cref="FieldValue"/> is the cell's JSON <b>as a string</b>, in the shape
/// records are read in; parse it with <c>BitableValue.Parse(type, FieldValue)</c> (Larkway.Feishu) or <see cref="ParseValue"/>.
/// </summary>
public sealed record BitableFieldValueChange
{
    /// <summary>The field's id (not its name).</summary>
    public string FieldId { get; init; } = "";

    /// <summary>The cell's JSON, serialised into a string.</summary>
    public string? FieldValue { get; init; }

    /// <summary>For user, created-by and modified-by fields: the people in the value, with names.</summary>
    public BitableFieldIdentity? FieldIdentityValue { get; init; }

    /// <summary>The cell's JSON parsed (cloned, so it outlives nothing); <see cref="JsonValueKind.Undefined"/> when absent or not JSON.</summary>
    public JsonElement ParseValue()
    {
        if (string.IsNullOrEmpty(FieldValue))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(FieldValue);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>The people of a user-type field value.</summary>
public sealed record BitableFieldIdentity
{
    public IReadOnlyList<BitableIdentityUser>? Users { get; init; }
}

/// <summary>A person of a user-type field value.</summary>
public sealed record BitableIdentityUser
{
    public UserIds? UserId { get; init; }

    public string? Name { get; init; }

    public string? EnName { get; init; }

    public string? AvatarUrl { get; init; }
}

/// <summary>
/// <c>drive.file.bitable_field_changed_v1</c>: fields of a table were added, edited or deleted (subscribed bases only).
/// </summary>
public sealed record BitableFieldChangedEvent : BitableTableEvent, IFeishuEventType
{
    public const string Type = "drive.file.bitable_field_changed_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>The changes, one per field.</summary>
    public IReadOnlyList<BitableFieldAction> ActionList { get; init; } = [];
}

/// <summary>What happened to one field.</summary>
public sealed record BitableFieldAction
{
    /// <summary><c>field_added</c>, <c>field_edited</c> or <c>field_deleted</c> (<see cref="BitableFieldActions"/>).</summary>
    public string Action { get; init; } = "";

    /// <summary>The field.</summary>
    public string FieldId { get; init; } = "";

    /// <summary>The field before (absent for an added field).</summary>
    public BitableFieldSnapshot? BeforeValue { get; init; }

    /// <summary>The field after (absent for a deleted field).</summary>
    public BitableFieldSnapshot? AfterValue { get; init; }
}

/// <summary>The field actions.</summary>
public static class BitableFieldActions
{
    public const string Added = "field_added";
    public const string Edited = "field_edited";
    public const string Deleted = "field_deleted";
}

/// <summary>A field as the field event describes it.</summary>
public sealed record BitableFieldSnapshot
{
    public string Id { get; init; } = "";

    public string? Name { get; init; }

    /// <summary>The field type number (1 text, 2 number, …, 20 formula, 1005 auto number).</summary>
    public int Type { get; init; }

    public string? Description { get; init; }

    public BitableFieldSnapshotProperty? Property { get; init; }
}

/// <summary>A field's settings as the field event describes them (the members the field API has, flattened as the event sends them).</summary>
public sealed record BitableFieldSnapshotProperty
{
    public string? Formatter { get; init; }

    public string? DateFormatter { get; init; }

    public bool? AutoFill { get; init; }

    public bool? Multiple { get; init; }

    public string? TableId { get; init; }

    public string? TableName { get; init; }

    public string? BackFieldName { get; init; }

    public string? BackFieldId { get; init; }

    /// <summary>Location: <c>only_mobile</c> or <c>not_limit</c>.</summary>
    public string? InputType { get; init; }

    public BitableFieldSnapshotAutoSerial? AutoSerial { get; init; }

    public IReadOnlyList<BitableFieldSnapshotOption>? Options { get; init; }

    public string? FormulaExpression { get; init; }

    /// <summary>Members this library does not model.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>An auto number's rule in a field event.</summary>
public sealed record BitableFieldSnapshotAutoSerial
{
    public string? Type { get; init; }

    public IReadOnlyList<BitableFieldSnapshotSerialPart>? Options { get; init; }
}

/// <summary>A part of an auto number's rule.</summary>
public sealed record BitableFieldSnapshotSerialPart
{
    public string? Type { get; init; }

    public string? Value { get; init; }
}

/// <summary>A select option in a field event.</summary>
public sealed record BitableFieldSnapshotOption
{
    public string? Name { get; init; }

    public string? Id { get; init; }

    public int? Color { get; init; }
}
