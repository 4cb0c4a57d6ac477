namespace Larkway.Feishu.Bitable;

/// <summary>
/// A field's <c>type</c> (feishu-api.md §8.2). Several interface kinds share one type and are told apart by
/// <c>ui_type</c> (<see cref="BitableUiTypes"/>): text, email and barcode are <see cref="Text"/>; number, progress,
/// currency and rating are <see cref="Number"/>. A type the platform adds later reads as its number.
/// </summary>
public enum BitableFieldType
{
    /// <summary>1: text, email or barcode. Written as a string, read back as text segments.</summary>
    Text = 1,

    /// <summary>2: number, progress, currency or rating.</summary>
    Number = 2,

    /// <summary>3: one option, by name (an unknown name creates the option).</summary>
    SingleSelect = 3,

    /// <summary>4: several options, by name.</summary>
    MultiSelect = 4,

    /// <summary>5: a date, in Unix milliseconds.</summary>
    DateTime = 5,

    /// <summary>7: a checkbox.</summary>
    Checkbox = 7,

    /// <summary>11: people. Written as ids, read back as objects with names.</summary>
    User = 11,

    /// <summary>13: a phone number (<c>(\+)?\d*</c>, at most 64 characters).</summary>
    Phone = 13,

    /// <summary>15: a link with its display text.</summary>
    Url = 15,

    /// <summary>17: attachments (file tokens from the drive media upload).</summary>
    Attachment = 17,

    /// <summary>18: a one-way link to records of a table. Written as record ids, read back as <c>link_record_ids</c>.</summary>
    SingleLink = 18,

    /// <summary>19: a lookup (read-only; cannot be created through the API).</summary>
    Lookup = 19,

    /// <summary>20: a formula (read-only values).</summary>
    Formula = 20,

    /// <summary>21: a two-way link. Written as record ids, read back as <c>link_record_ids</c>.</summary>
    DuplexLink = 21,

    /// <summary>22: a place. Written as <c>"longitude,latitude"</c>, read back as an address object.</summary>
    Location = 22,

    /// <summary>23: group chats. Written as chat ids, read back as objects with names.</summary>
    GroupChat = 23,

    /// <summary>1001: when the record was created (read-only).</summary>
    CreatedTime = 1001,

    /// <summary>1002: when the record was last modified (read-only).</summary>
    ModifiedTime = 1002,

    /// <summary>1003: who created the record (read-only).</summary>
    CreatedUser = 1003,

    /// <summary>1004: who last modified the record (read-only).</summary>
    ModifiedUser = 1004,

    /// <summary>1005: an automatic serial number (read-only).</summary>
    AutoNumber = 1005,
}

/// <summary>The documented <c>ui_type</c> strings: the interface kind within a <see cref="BitableFieldType"/>.</summary>
public static class BitableUiTypes
{
#pragma warning disable CS1591 // Each constant is the ui_type string it spells.
    public const string Text = "Text";
    public const string Email = "Email";
    public const string Barcode = "Barcode";
    public const string Number = "Number";
    public const string Progress = "Progress";
    public const string Currency = "Currency";
    public const string Rating = "Rating";
    public const string SingleSelect = "SingleSelect";
    public const string MultiSelect = "MultiSelect";
    public const string DateTime = "DateTime";
    public const string Checkbox = "Checkbox";
    public const string User = "User";
    public const string GroupChat = "GroupChat";
    public const string Phone = "Phone";
    public const string Url = "Url";
    public const string Attachment = "Attachment";
    public const string SingleLink = "SingleLink";
    public const string Formula = "Formula";
    public const string DuplexLink = "DuplexLink";
    public const string Location = "Location";
    public const string CreatedTime = "CreatedTime";
    public const string ModifiedTime = "ModifiedTime";
    public const string CreatedUser = "CreatedUser";
    public const string ModifiedUser = "ModifiedUser";
    public const string AutoNumber = "AutoNumber";
#pragma warning restore CS1591
}

/// <summary>What the field types allow: which ones take values, and how many items a cell holds.</summary>
public static class BitableFieldTypes
{
    /// <summary>Whether records can be written into a field of this type (formula, lookup and the automatic fields cannot).</summary>
    public static bool IsWritable(BitableFieldType type) => type is not (BitableFieldType.Lookup or BitableFieldType.Formula
        or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser
        or BitableFieldType.AutoNumber);

    /// <summary>Whether the type's values read back as a JSON array (so a formula of that result type carries the array as is).</summary>
    internal static bool ReadsAsList(BitableFieldType type) => type is BitableFieldType.Text or BitableFieldType.MultiSelect or BitableFieldType.User
        or BitableFieldType.Attachment or BitableFieldType.GroupChat or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser;
}
