using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Docs;

/// <summary>
/// The codes of the docx, wiki and drive pages' error tables (docs-facts §2), with their HTTP statuses. Every <c>msg</c>
/// starts with the documented name, then says exactly what is wrong and, for permission failures, what to do.
/// </summary>
internal static class DocsErrors
{
    // docx (177xxxx).
    public const int InvalidParam = 1770001;
    public const int NotFound = 1770002;
    public const int Deleted = 1770003;
    public const int TooManyBlocks = 1770004;
    public const int SchemaMismatch = 1770006;
    public const int TooManyTableColumns = 1770010;
    public const int TooManyTableCells = 1770011;
    public const int TooManyGridColumns = 1770012;
    public const int ParentChildrenMismatch = 1770014;
    public const int RepeatedBlockId = 1770019;
    public const int TooOldDocument = 1770021;
    public const int InvalidPageToken = 1770022;
    public const int InvalidOperation = 1770024;
    public const int OperationNotMatchBlock = 1770025;
    public const int RowOutOfRange = 1770026;
    public const int ColumnOutOfRange = 1770027;
    public const int CannotHaveChildren = 1770028;
    public const int NotCreatable = 1770029;
    public const int InvalidParentChild = 1770030;
    public const int CannotDeleteChildren = 1770031;
    public const int Forbidden = 1770032;
    public const int ContentTooLarge = 1770033;
    public const int FolderNotFound = 1770039;
    public const int NoFolderPermission = 1770040;

    /// <summary>Generic: one text block over 100,000 UTF-16 characters.</summary>
    public const int TooManyChars = 4000027;

    /// <summary>The gateway's schema check (a documented length or range broken).</summary>
    public const int FieldValidation = 99992402;

    // wiki (131xxx): all HTTP 400.
    public const int WikiParam = 131002;
    public const int WikiNotFound = 131005;
    public const int WikiForbidden = 131006;

    // drive files and permissions.
    public const int DriveParams = 1061002;
    public const int DriveNotFound = 1061003;
    public const int DriveForbidden = 1061004;
    public const int PermissionParam = 1063001;
    public const int PermissionDenied = 1063002;
    public const int PermissionInvalidOperation = 1063003;
    public const int PermissionResourceDeleted = 1063005;

    // drive subscriptions.
    public const int SubscribeParam = 1069602;
    public const int SubscribeForbidden = 1069603;
    public const int SubscribeNotFound = 1069604;
    public const int NotSubscribed = 1069605;

    public static string NameOf(int code) => code switch
    {
        InvalidParam => "invalid param",
        NotFound => "not found",
        Deleted => "resource deleted",
        TooManyBlocks => "too many blocks in document",
        SchemaMismatch => "schema mismatch",
        TooManyTableColumns => "too many table column",
        TooManyTableCells => "too many table cell",
        TooManyGridColumns => "too many grid column",
        ParentChildrenMismatch => "parent children relation mismatch",
        RepeatedBlockId => "repeated blockID in document",
        TooOldDocument => "too old document",
        InvalidPageToken => "invalid page token",
        InvalidOperation => "invalid operation",
        OperationNotMatchBlock => "operation and block not match",
        RowOutOfRange => "row operation over range",
        ColumnOutOfRange => "column operation over range",
        CannotHaveChildren => "block not support create children",
        NotCreatable => "block not support to create",
        InvalidParentChild => "invalid parent children relation",
        CannotDeleteChildren => "block not support to delete children",
        Forbidden => "forbidden",
        ContentTooLarge => "content size exceed limit",
        FolderNotFound => "folder not found",
        NoFolderPermission => "no folder permission",
        TooManyChars => "too many chars in one text, max=100000",
        FieldValidation => "field validation failed",
        WikiParam => "param err",
        WikiNotFound => "not found",
        WikiForbidden => "permission denied",
        DriveParams => "params error",
        DriveNotFound => "not found",
        DriveForbidden => "forbidden",
        PermissionParam => "Invalid parameter",
        PermissionDenied => "Permission denied",
        PermissionInvalidOperation => "Invalid operation",
        PermissionResourceDeleted => "Resource is deleted",
        SubscribeParam => "param error",
        SubscribeForbidden => "forbidden",
        SubscribeNotFound => "document not found",
        NotSubscribed => "Unsubscribe",
        _ => "fail",
    };

    public static int StatusOf(int code) => code switch
    {
        NotFound or DriveNotFound or PermissionResourceDeleted => 404,
        Forbidden or NoFolderPermission or DriveForbidden or PermissionDenied or SubscribeForbidden => 403,
        _ => 400,
    };

    public static ApiErrorException Error(int code, string detail) => new(StatusOf(code), code, NameOf(code) + ": " + detail);

    /// <summary>A documented length or range broken: 99992402 with the field named in <c>error.field_violations</c>.</summary>
    public static ApiErrorException Violation(string field, string value, string description) =>
        new(400, FieldValidation, "field validation failed: " + description) { Violation = new FieldViolation(field, value, description) };
}
