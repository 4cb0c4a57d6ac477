using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

// Bitable entities are mutable classes guarded by BitableStore's lock, like the approval entities: a write changes a table in
// many small steps, readers get JSON built under the same lock. They are also what the state file holds.

/// <summary>A base (多维表格 app). <see cref="TimeZone"/> is the IANA zone date filters truncate in.</summary>
internal sealed class BitableBase
{
    public required string AppToken { get; init; }

    public required string Name { get; set; }

    public string? FolderToken { get; set; }

    public required string TimeZone { get; set; }

    public int Revision { get; set; } = 1;

    public bool IsAdvanced { get; set; }

    /// <summary>The app that created it (or the control API's owner); informational.</summary>
    public required string OwnerAppId { get; init; }

    public long CreatedTime { get; init; }

    public List<BitableTable> Tables { get; init; } = [];

    /// <summary>Apps subscribed to this base's document events (drive v1 files/:file_token/subscribe).</summary>
    public List<BitableSubscription> Subscriptions { get; init; } = [];

    /// <summary>client_token claims still de-duplicating writes.</summary>
    public List<ClientTokenClaim> ClientTokens { get; init; } = [];

    public BitableTable? FindTable(string tableId) => Tables.Find(t => t.TableId == tableId);
}

internal sealed class BitableTable
{
    private Dictionary<string, BitableRecord>? _index;

    public required string TableId { get; init; }

    public required string Name { get; set; }

    /// <summary>Starts at 1 and grows with every change of the table (its records, fields, views or name).</summary>
    public int Revision { get; set; } = 1;

    public List<BitableField> Fields { get; init; } = [];

    public List<BitableView> Views { get; init; } = [];

    /// <summary>In creation order (the grid's default order).</summary>
    public List<BitableRecord> Records { get; init; } = [];

    /// <summary>The next auto number (自动编号) a new record gets.</summary>
    public long NextAutoNumber { get; set; } = 1;

    public BitableField? FindField(string fieldId) => Fields.Find(f => f.FieldId == fieldId);

    public BitableField? FieldNamed(string name) => Fields.Find(f => f.Name == name);

    public BitableView? FindView(string viewId) => Views.Find(v => v.ViewId == viewId);

    public BitableRecord? FindRecord(string recordId) => Index.GetValueOrDefault(recordId);

    public void AddRecord(BitableRecord record)
    {
        Records.Add(record);
        Index[record.RecordId] = record;
    }

    public void RemoveRecords(IReadOnlySet<string> recordIds)
    {
        Records.RemoveAll(r => recordIds.Contains(r.RecordId));
        foreach (var id in recordIds)
        {
            Index.Remove(id);
        }
    }

    private Dictionary<string, BitableRecord> Index => _index ??= Records.ToDictionary(r => r.RecordId, StringComparer.Ordinal);
}

/// <summary>A select option (单选/多选): cells keep its id, so renaming an option renames it in every record.</summary>
internal sealed record SelectOption(string Id, string Name, int Color);

internal sealed class BitableField
{
    public required string FieldId { get; init; }

    public required string Name { get; set; }

    public required int Type { get; set; }

    public required string UiType { get; set; }

    /// <summary>The property as given, without <c>options</c> (kept in <see cref="Options"/>); null when none.</summary>
    public JsonElement? Property { get; set; }

    /// <summary>The options of a single or multi select field.</summary>
    public List<SelectOption> Options { get; set; } = [];

    public string? Description { get; set; }

    public bool IsPrimary { get; set; }

    /// <summary>The linked table of a one-way or two-way link field (<c>property.table_id</c>).</summary>
    [JsonIgnore]
    public string? LinkTableId => PropertyString("table_id");

    /// <summary>The other side of a two-way link (<c>property.back_field_id</c>).</summary>
    [JsonIgnore]
    public string? BackFieldId => PropertyString("back_field_id");

    /// <summary><c>property.multiple</c> of person and link fields (default true).</summary>
    [JsonIgnore]
    public bool Multiple => Property is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("multiple", out var m) && m.ValueKind == JsonValueKind.False ? false : true;

    public string? PropertyString(string name) =>
        Property is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A view; <see cref="FilterInfo"/> is kept in its wire shape (conditions by field id, values as JSON strings).</summary>
internal sealed class BitableView
{
    public required string ViewId { get; init; }

    public required string Name { get; set; }

    public required string Type { get; init; }

    public JsonElement? FilterInfo { get; set; }

    public List<string>? HiddenFields { get; set; }

    public string? HierarchyFieldId { get; set; }
}

/// <summary>
/// A record. <see cref="Cells"/> holds each non-empty cell by field id in its stored form: text, phone and auto number a
/// string; number and date a number; checkbox a boolean; selects option ids; people home open_ids; links record ids; group
/// chats chat ids; URL <c>{text, link}</c>; location the location object; attachments <c>[{file_token, name, type, size}]</c>.
/// </summary>
internal sealed class BitableRecord
{
    public required string RecordId { get; init; }

    public Dictionary<string, JsonElement> Cells { get; init; } = new(StringComparer.Ordinal);

    public required ChangeActor CreatedBy { get; init; }

    public long CreatedTime { get; init; }

    public required ChangeActor ModifiedBy { get; set; }

    public long ModifiedTime { get; set; }
}

/// <summary>An app subscribed to a base's events; <see cref="UserOpenId"/> when it subscribed with a user's token.</summary>
internal sealed record BitableSubscription(string AppId, string? UserOpenId);

/// <summary>A write done under a client_token: the same token again answers <see cref="Response"/> without writing.</summary>
internal sealed record ClientTokenClaim(string Key, string RequestHash, string Response, DateTimeOffset Expires);

/// <summary>A file uploaded for a base's attachment cells (drive v1 medias/upload_all, parent_type bitable_file/bitable_image).</summary>
internal sealed record BitableMedium(string FileToken, string AppToken, string Name, string MimeType, long Size, byte[] Data);

/// <summary>Identifier shapes of bitable (reference §1.5 and the pages' examples): letters and digits after a prefix.</summary>
internal static class BitableIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string AppToken() => Random(27);

    public static string TableId() => "tbl" + Random(13);

    public static string ViewId() => "vew" + Random(7);

    public static string FieldId() => "fld" + Random(7);

    public static string RecordId() => "rec" + Random(11);

    public static string OptionId() => "opt" + Random(7);

    public static string ConditionId() => "con" + Random(7);

    private static string Random(int length) => new(RandomNumberGenerator.GetItems<char>(Alphabet, length));
}
