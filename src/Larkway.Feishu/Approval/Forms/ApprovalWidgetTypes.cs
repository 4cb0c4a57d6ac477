namespace Larkway.Feishu.Approval;

/// <summary>
/// The widget <c>type</c> strings of approval forms, and which of them the instance-create API accepts
/// (feishu-api.md §7.4: address, text, mutableGroup, account, serialNumber, tripGroup, remedyGroupV2 and the
/// apaascorehr* groups can only be filled in Feishu's own UI).
/// </summary>
public static class ApprovalWidgetTypes
{
#pragma warning disable CS1591 // The names are the wire strings themselves.
    public const string Input = "input";
    public const string Textarea = "textarea";
    public const string Number = "number";
    public const string Amount = "amount";
    public const string Formula = "formula";
    public const string Date = "date";
    public const string DateInterval = "dateInterval";
    public const string Radio = "radio";
    public const string RadioV2 = "radioV2";
    public const string Checkbox = "checkbox";
    public const string CheckboxV2 = "checkboxV2";
    public const string Contact = "contact";
    public const string Department = "department";
    public const string Telephone = "telephone";
    public const string Attachment = "attachment";
    public const string AttachmentV2 = "attachmentV2";
    public const string Image = "image";
    public const string ImageV2 = "imageV2";
    public const string Connect = "connect";
    public const string Document = "document";
    public const string FieldList = "fieldList";
    public const string Text = "text";
#pragma warning restore CS1591

    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "address", Text, "mutableGroup", "account", "serialNumber", "tripGroup", "remedyGroupV2",
    };

    /// <summary>Whether instances/create refuses values for this widget type (it must be filled in Feishu's UI).</summary>
    public static bool IsUnsupportedByApi(string type) =>
        Unsupported.Contains(type) || type.StartsWith("apaascorehr", StringComparison.Ordinal);

    /// <summary>Display-only widgets (a description text) that take no value at all.</summary>
    internal static bool IsDisplayOnly(string type) => type == Text;

    /// <summary>The value family a widget type takes; types of one family share a value shape (radio / radioV2).</summary>
    internal static ApprovalValueKind KindOf(string type) => type switch
    {
        Input => ApprovalValueKind.Input,
        Textarea => ApprovalValueKind.Textarea,
        Number => ApprovalValueKind.Number,
        Amount => ApprovalValueKind.Amount,
        Formula => ApprovalValueKind.Formula,
        Date => ApprovalValueKind.Date,
        DateInterval => ApprovalValueKind.DateInterval,
        Radio or RadioV2 => ApprovalValueKind.Radio,
        Checkbox or CheckboxV2 => ApprovalValueKind.Checkbox,
        Contact => ApprovalValueKind.Contact,
        Department => ApprovalValueKind.Department,
        Telephone => ApprovalValueKind.Telephone,
        Attachment or AttachmentV2 => ApprovalValueKind.Attachment,
        Image or ImageV2 => ApprovalValueKind.Image,
        Connect => ApprovalValueKind.Connect,
        Document => ApprovalValueKind.Document,
        FieldList => ApprovalValueKind.FieldList,
        _ => ApprovalValueKind.Raw,
    };
}

/// <summary>The value shape of a widget family.</summary>
internal enum ApprovalValueKind
{
    Input,
    Textarea,
    Number,
    Amount,
    Formula,
    Date,
    DateInterval,
    Radio,
    Checkbox,
    Contact,
    Department,
    Telephone,
    Attachment,
    Image,
    Connect,
    Document,
    FieldList,
    Raw,
}
