namespace Larkway.Emulator.Bitable;

/// <summary>
/// The field types of bitable v1 (字段编辑指南, 多维表格记录数据结构): the <c>type</c> numbers, the <c>ui_type</c>s each allows
/// (the first is the default), which may be the primary (index) field, and which are computed rather than written.
/// </summary>
internal static class FieldTypes
{
    public const int Text = 1;
    public const int Number = 2;
    public const int SingleSelect = 3;
    public const int MultiSelect = 4;
    public const int DateTime = 5;
    public const int Checkbox = 7;
    public const int User = 11;
    public const int Phone = 13;
    public const int Url = 15;
    public const int Attachment = 17;
    public const int SingleLink = 18;
    public const int Lookup = 19;
    public const int Formula = 20;
    public const int DuplexLink = 21;
    public const int Location = 22;
    public const int GroupChat = 23;
    public const int CreatedTime = 1001;
    public const int ModifiedTime = 1002;
    public const int CreatedUser = 1003;
    public const int ModifiedUser = 1004;
    public const int AutoNumber = 1005;

    private static readonly Dictionary<int, string[]> UiTypes = new()
    {
        [Text] = ["Text", "Barcode", "Email"],
        [Number] = ["Number", "Progress", "Currency", "Rating"],
        [SingleSelect] = ["SingleSelect"],
        [MultiSelect] = ["MultiSelect"],
        [DateTime] = ["DateTime"],
        [Checkbox] = ["Checkbox"],
        [User] = ["User"],
        [Phone] = ["Phone"],
        [Url] = ["Url"],
        [Attachment] = ["Attachment"],
        [SingleLink] = ["SingleLink"],
        [Lookup] = ["Lookup"],
        [Formula] = ["Formula"],
        [DuplexLink] = ["DuplexLink"],
        [Location] = ["Location"],
        [GroupChat] = ["GroupChat"],
        [CreatedTime] = ["CreatedTime"],
        [ModifiedTime] = ["ModifiedTime"],
        [CreatedUser] = ["CreatedUser"],
        [ModifiedUser] = ["ModifiedUser"],
        [AutoNumber] = ["AutoNumber"],
    };

    public static bool IsKnown(int type) => UiTypes.ContainsKey(type);

    /// <summary>Lookup fields exist in bases but cannot be created through the API ("不支持新增 19 查找引用字段类型").</summary>
    public static bool IsCreatable(int type) => IsKnown(type) && type != Lookup;

    public static string DefaultUiType(int type) => UiTypes[type][0];

    public static bool AllowsUiType(int type, string uiType) => UiTypes.TryGetValue(type, out var allowed) && allowed.Contains(uiType, StringComparer.Ordinal);

    /// <summary>The index field may only be text, number, date, phone, URL, formula or location (索引字段说明).</summary>
    public static bool CanBePrimary(int type) => type is Text or Number or DateTime or Phone or Url or Formula or Location;

    /// <summary>Values the base computes: record writes may not set them.</summary>
    public static bool IsComputed(int type) => type is Lookup or Formula or CreatedTime or ModifiedTime or CreatedUser or ModifiedUser or AutoNumber;

    /// <summary>Formula and lookup values are not emulated: they are never returned, filtered on or carried by events.</summary>
    public static bool IsFormulaLike(int type) => type is Lookup or Formula;

    public static bool IsLink(int type) => type is SingleLink or DuplexLink;

    public static bool IsPeople(int type) => type is User or CreatedUser or ModifiedUser;

    /// <summary>The conversion-failure code of a type's cell (1254060–1254072; 1254015 where the tables name none).</summary>
    public static int ConversionError(int type) => type switch
    {
        Text => BitableErrors.TextFieldConvFail,
        Number => BitableErrors.NumberFieldConvFail,
        SingleSelect => BitableErrors.SingleSelectFieldConvFail,
        MultiSelect => BitableErrors.MultiSelectFieldConvFail,
        DateTime => BitableErrors.DatetimeFieldConvFail,
        Checkbox => BitableErrors.CheckboxFieldConvFail,
        User => BitableErrors.UserFieldConvFail,
        SingleLink => BitableErrors.LinkFieldConvFail,
        DuplexLink => BitableErrors.DuplexLinkFieldConvFail,
        Url => BitableErrors.UrlFieldConvFail,
        Attachment => BitableErrors.AttachFieldConvFail,
        Phone => BitableErrors.PhoneFieldConvFail,
        _ => BitableErrors.FieldTypeValueNotMatch,
    };
}
