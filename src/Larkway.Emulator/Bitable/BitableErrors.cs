using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// The bitable v1 business codes (error tables of the bitable pages). The pages disagree on HTTP statuses (the same code is
/// 200 on one page, 400 or 404 on another); the emulator answers the records pages' statuses everywhere: HTTP 200 for most
/// codes, 400 for the request-shape codes the record pages list with 400, 403 for the permission-like ones.
/// </summary>
internal static class BitableErrors
{
    public const int WrongRequestJson = 1254000;
    public const int WrongRequestBody = 1254001;
    public const int WrongBaseToken = 1254003;
    public const int WrongTableId = 1254004;
    public const int WrongViewId = 1254005;
    public const int WrongRecordId = 1254006;
    public const int Fail = 1254002;
    public const int EmptyValue = 1254007;
    public const int WrongFieldId = 1254009;
    public const int PageSizeInvalid = 1254011;
    public const int NotSupportFieldOrView = 1254012;
    public const int TableNameDuplicated = 1254013;
    public const int FieldNameDuplicated = 1254014;
    public const int FieldTypeValueNotMatch = 1254015;
    public const int InvalidSort = 1254016;
    public const int InvalidFilter = 1254018;
    public const int InvalidViewType = 1254019;
    public const int ViewNameDuplicated = 1254020;
    public const int EmptyViewName = 1254021;
    public const int InvalidViewName = 1254022;
    public const int InvalidFieldNames = 1254024;
    public const int EmptyOptionName = 1254026;
    public const int EmptyFieldName = 1254028;
    public const int InvalidFieldName = 1254029;
    public const int PageTokenInvalid = 1254030;
    public const int InvalidAppName = 1254031;
    public const int LastTableCannotBeDeleted = 1254034;
    public const int InvalidClientToken = 1254037;
    public const int BaseTokenNotFound = 1254040;
    public const int TableIdNotFound = 1254041;
    public const int ViewIdNotFound = 1254042;
    public const int RecordIdNotFound = 1254043;
    public const int FieldIdNotFound = 1254044;
    public const int FieldNameNotFound = 1254045;
    public const int TextFieldConvFail = 1254060;
    public const int NumberFieldConvFail = 1254061;
    public const int SingleSelectFieldConvFail = 1254062;
    public const int MultiSelectFieldConvFail = 1254063;
    public const int DatetimeFieldConvFail = 1254064;
    public const int CheckboxFieldConvFail = 1254065;
    public const int UserFieldConvFail = 1254066;
    public const int LinkFieldConvFail = 1254067;
    public const int UrlFieldConvFail = 1254068;
    public const int AttachFieldConvFail = 1254069;
    public const int PhoneFieldConvFail = 1254072;
    public const int DuplexLinkFieldConvFail = 1254074;
    public const int TableExceedLimit = 1254100;
    public const int ViewExceedLimit = 1254101;
    public const int RecordExceedLimit = 1254103;
    public const int RecordAddOnceExceedLimit = 1254104;
    public const int ColumnExceedLimit = 1254105;
    public const int TooLargeCell = 1254130;
    public const int TooManyRequest = 1254290;
    public const int WriteConflict = 1254291;
    public const int AttachmentNotInBase = 1254303;
    public const int DataNotReady = 1254607;
    public const int ClientTokenConflict = 1255006;

    /// <summary>The gateway's schema check (a documented length or range broken): HTTP 400 with <c>field_violations</c>.</summary>
    public const int FieldValidationFailed = 99992402;

    // drive v1 file subscriptions (订阅云文档事件 and its companions).
    public const int DriveParamError = 1069602;
    public const int DriveDocumentNotFound = 1069604;
    public const int DriveNotSubscribed = 1069605;

    /// <summary>The name the error tables give a code; it leads the <c>msg</c>, as live bitable errors do.</summary>
    public static string NameOf(int code) => code switch
    {
        WrongRequestJson => "WrongRequestJson",
        WrongRequestBody => "WrongRequestBody",
        WrongBaseToken => "WrongBaseToken",
        WrongTableId => "WrongTableId",
        WrongViewId => "WrongViewId",
        WrongRecordId => "WrongRecordId",
        EmptyValue => "EmptyValue",
        WrongFieldId => "WrongFieldId",
        PageSizeInvalid => "Page size must greater than 0.",
        NotSupportFieldOrView => "NotSupportFieldOrView",
        TableNameDuplicated => "TableNameDuplicated",
        FieldNameDuplicated => "FieldNameDuplicated",
        FieldTypeValueNotMatch => "FieldTypeValueNotMatch",
        InvalidSort => "InvalidSort",
        InvalidFilter => "InvalidFilter",
        InvalidViewType => "InvalidViewType",
        ViewNameDuplicated => "ViewNameDuplicated",
        EmptyViewName => "EmptyViewName",
        InvalidViewName => "InvalidViewName",
        InvalidFieldNames => "InvalidFieldNames",
        EmptyOptionName => "EmptyOptionName",
        EmptyFieldName => "EmptyFieldName",
        InvalidFieldName => "InvalidFieldName",
        PageTokenInvalid => "TooLargeResponse",
        InvalidAppName => "InvalidAppName",
        LastTableCannotBeDeleted => "The last table cannot be deleted.",
        InvalidClientToken => "Invalid client token, make sure that it complies with the specification.",
        BaseTokenNotFound => "BaseTokenNotFound",
        TableIdNotFound => "TableIdNotFound",
        ViewIdNotFound => "ViewIdNotFound",
        RecordIdNotFound => "RecordIdNotFound",
        FieldIdNotFound => "FieldIdNotFound",
        FieldNameNotFound => "FieldNameNotFound",
        TextFieldConvFail => "TextFieldConvFail",
        NumberFieldConvFail => "NumberFieldConvFail",
        SingleSelectFieldConvFail => "SingleSelectFieldConvFail",
        MultiSelectFieldConvFail => "MultiSelectFieldConvFail",
        DatetimeFieldConvFail => "DatetimeFieldConvFail",
        CheckboxFieldConvFail => "CheckboxFieldConvFail",
        UserFieldConvFail => "UserFieldConvFail",
        LinkFieldConvFail => "LinkFieldConvFail",
        UrlFieldConvFail => "URLFieldConvFail",
        AttachFieldConvFail => "AttachFieldConvFail",
        PhoneFieldConvFail => "InvalidPhoneNumber",
        DuplexLinkFieldConvFail => "DuplexLinkFieldConvFail",
        TableExceedLimit => "TableExceedLimit",
        ViewExceedLimit => "ViewExceedLimit",
        RecordExceedLimit => "RecordExceedLimit",
        RecordAddOnceExceedLimit => "RecordAddOnceExceedLimit",
        ColumnExceedLimit => "ColumnExceedLimit",
        TooLargeCell => "TooLargeCell",
        TooManyRequest => "TooManyRequest",
        WriteConflict => "Write conflict",
        AttachmentNotInBase => "The attachment does not belong to this bitable.",
        DataNotReady => "Data not ready, please try again later",
        ClientTokenConflict => "Client token conflict, please generate a new client token and try again.",
        DriveParamError => "param error",
        DriveDocumentNotFound => "document not found",
        DriveNotSubscribed => "Unsubscribe",
        _ => "Fail",
    };

    public static int StatusOf(int code) => code switch
    {
        PageSizeInvalid or NotSupportFieldOrView or FieldTypeValueNotMatch or EmptyFieldName or InvalidFieldName or InvalidAppName
            or InvalidClientToken or DuplexLinkFieldConvFail or DataNotReady or ClientTokenConflict or DriveParamError
            or DriveDocumentNotFound or DriveNotSubscribed or FieldValidationFailed => 400,
        LastTableCannotBeDeleted => 403,
        _ => 200,
    };

    /// <summary>A documented length or range broken: 99992402 with the field named in <c>error.field_violations</c>.</summary>
    public static ApiErrorException FieldValidation(string field, string value, string description) =>
        new(400, FieldValidationFailed, "field validation failed: " + description)
        {
            Violation = new FieldViolation(field, value, description),
        };

    /// <summary>The error for <paramref name="code"/>: its documented name, then what exactly is wrong.</summary>
    public static ApiErrorException Error(int code, string detail) => new(StatusOf(code), code, NameOf(code) + ": " + detail);
}
