namespace Larkway.Feishu;

/// <summary>
/// Bitable v1 codes (1254xxx, 1255xxx; the error tables of the 云文档/多维表格 pages) and the drive subscription's
/// (1069xxx). Most come with HTTP 200; decide on the code, not the status.
/// </summary>
public static partial class FeishuErrorCodes
{
    /// <summary>Bitable: the request body is not valid JSON (WrongRequestJson).</summary>
    public const int BitableWrongRequestJson = 1254000;
    /// <summary>Bitable: the request body is wrong (WrongRequestBody).</summary>
    public const int BitableWrongRequestBody = 1254001;
    /// <summary>Bitable: a failure with many causes (Fail): a very large change, concurrent calls, a bad page token or table id; occasionally transient.</summary>
    public const int BitableFail = 1254002;
    /// <summary>Bitable: the app_token is wrong (WrongBaseToken).</summary>
    public const int BitableWrongBaseToken = 1254003;
    /// <summary>Bitable: the table_id is wrong (WrongTableId).</summary>
    public const int BitableWrongTableId = 1254004;
    /// <summary>Bitable: the view_id is wrong (WrongViewId).</summary>
    public const int BitableWrongViewId = 1254005;
    /// <summary>Bitable: a record_id is wrong (WrongRecordId).</summary>
    public const int BitableWrongRecordId = 1254006;
    /// <summary>Bitable: a value is empty (EmptyValue).</summary>
    public const int BitableEmptyValue = 1254007;
    /// <summary>Bitable: the view is empty (EmptyView).</summary>
    public const int BitableEmptyView = 1254008;
    /// <summary>Bitable: a field id is wrong (WrongFieldId).</summary>
    public const int BitableWrongFieldId = 1254009;
    /// <summary>Bitable: the request could not be converted (ReqConvError).</summary>
    public const int BitableRequestConversionError = 1254010;
    /// <summary>Bitable: page_size must be greater than 0 (HTTP 400).</summary>
    public const int BitableInvalidPageSize = 1254011;
    /// <summary>Bitable: the field or view kind is not supported (NotSupportFieldOrView).</summary>
    public const int BitableNotSupportFieldOrView = 1254012;
    /// <summary>Bitable: a table with that name exists (TableNameDuplicated).</summary>
    public const int BitableTableNameDuplicated = 1254013;
    /// <summary>Bitable: a field with that name exists (FieldNameDuplicated).</summary>
    public const int BitableFieldNameDuplicated = 1254014;
    /// <summary>Bitable: a value does not fit its field's type (FieldTypeValueNotMatch).</summary>
    public const int BitableFieldTypeValueNotMatch = 1254015;
    /// <summary>Bitable: the sort is invalid (InvalidSort).</summary>
    public const int BitableInvalidSort = 1254016;
    /// <summary>Bitable: the filter is invalid (InvalidFilter).</summary>
    public const int BitableInvalidFilter = 1254018;
    /// <summary>Bitable: the view type is invalid (InvalidViewType).</summary>
    public const int BitableInvalidViewType = 1254019;
    /// <summary>Bitable: a view with that name exists (ViewNameDuplicated).</summary>
    public const int BitableViewNameDuplicated = 1254020;
    /// <summary>Bitable: the view name is empty (EmptyViewName).</summary>
    public const int BitableEmptyViewName = 1254021;
    /// <summary>Bitable: the view name is invalid, e.g. holds [ or ] (InvalidViewName).</summary>
    public const int BitableInvalidViewName = 1254022;
    /// <summary>Bitable: the last view cannot be deleted (LastViewDeleteForbidden).</summary>
    public const int BitableLastViewDeleteForbidden = 1254023;
    /// <summary>Bitable: the field_names are invalid (HTTP 400).</summary>
    public const int BitableInvalidFieldNames = 1254024;
    /// <summary>Bitable: the copy types are invalid (InvalidCopyTypes).</summary>
    public const int BitableInvalidCopyTypes = 1254025;
    /// <summary>Bitable: an option has no name (EmptyOptionName).</summary>
    public const int BitableEmptyOptionName = 1254026;
    /// <summary>Bitable: the attachment is not allowed: upload it to this base first (HTTP 403).</summary>
    public const int BitableUploadAttachNotAllowed = 1254027;
    /// <summary>Bitable: the field name is empty (HTTP 400).</summary>
    public const int BitableEmptyFieldName = 1254028;
    /// <summary>Bitable: the field name is invalid (HTTP 400).</summary>
    public const int BitableInvalidFieldName = 1254029;
    /// <summary>Bitable: the answer would be too large, or the page token is invalid: ask for a smaller page (TooLargeResponse).</summary>
    public const int BitableTooLargeResponse = 1254030;
    /// <summary>Bitable: the base name is invalid, e.g. over 255 characters (HTTP 400).</summary>
    public const int BitableInvalidAppName = 1254031;
    /// <summary>Bitable: the role name is invalid (HTTP 400).</summary>
    public const int BitableInvalidRoleName = 1254032;
    /// <summary>Bitable: the role name is taken (HTTP 400).</summary>
    public const int BitableRoleNameDuplicated = 1254033;
    /// <summary>Bitable: the last table cannot be deleted (HTTP 403).</summary>
    public const int BitableLastTableDeleteForbidden = 1254034;
    /// <summary>Bitable: the base is still being copied; try again when the copy is done (HTTP 400).</summary>
    public const int BitableBaseCopying = 1254036;
    /// <summary>Bitable: the client_token is not a standard UUID v4 (HTTP 400).</summary>
    public const int BitableInvalidClientToken = 1254037;
    /// <summary>Bitable: no base has that app_token (BaseTokenNotFound).</summary>
    public const int BitableBaseNotFound = 1254040;
    /// <summary>Bitable: no such table (TableIdNotFound).</summary>
    public const int BitableTableNotFound = 1254041;
    /// <summary>Bitable: no such view (ViewIdNotFound).</summary>
    public const int BitableViewNotFound = 1254042;
    /// <summary>Bitable: no such record (RecordIdNotFound).</summary>
    public const int BitableRecordNotFound = 1254043;
    /// <summary>Bitable: no such field id (FieldIdNotFound).</summary>
    public const int BitableFieldIdNotFound = 1254044;
    /// <summary>Bitable: no field has that name (FieldNameNotFound).</summary>
    public const int BitableFieldNameNotFound = 1254045;
    /// <summary>Bitable: the primary field cannot be deleted.</summary>
    public const int BitablePrimaryFieldDeleteForbidden = 1254046;
    /// <summary>Bitable: no such role (HTTP 404).</summary>
    public const int BitableRoleNotFound = 1254047;
    /// <summary>Bitable: no such collaborator (HTTP 400).</summary>
    public const int BitableMemberNotFound = 1254048;
    /// <summary>Bitable: no such form field (HTTP 404).</summary>
    public const int BitableFormFieldNotFound = 1254049;
    /// <summary>Bitable: a text value could not be converted (TextFieldConvFail).</summary>
    public const int BitableTextConversionFailed = 1254060;
    /// <summary>Bitable: a number value could not be converted (NumberFieldConvFail).</summary>
    public const int BitableNumberConversionFailed = 1254061;
    /// <summary>Bitable: a single-select value could not be converted (SingleSelectFieldConvFail).</summary>
    public const int BitableSingleSelectConversionFailed = 1254062;
    /// <summary>Bitable: a multi-select value could not be converted (MultiSelectFieldConvFail).</summary>
    public const int BitableMultiSelectConversionFailed = 1254063;
    /// <summary>Bitable: a date value could not be converted (DatetimeFieldConvFail).</summary>
    public const int BitableDateTimeConversionFailed = 1254064;
    /// <summary>Bitable: a checkbox value could not be converted (CheckboxFieldConvFail).</summary>
    public const int BitableCheckboxConversionFailed = 1254065;
    /// <summary>Bitable: a user value could not be converted, e.g. an id of another id type (UserFieldConvFail).</summary>
    public const int BitableUserConversionFailed = 1254066;
    /// <summary>Bitable: a link value could not be converted (LinkFieldConvFail).</summary>
    public const int BitableLinkConversionFailed = 1254067;
    /// <summary>Bitable: a URL value could not be converted (URLFieldConvFail).</summary>
    public const int BitableUrlConversionFailed = 1254068;
    /// <summary>Bitable: an attachment value could not be converted (AttachFieldConvFail).</summary>
    public const int BitableAttachmentConversionFailed = 1254069;
    /// <summary>Bitable: the action failed validation (ActionValidateFailed).</summary>
    public const int BitableActionValidateFailed = 1254070;
    /// <summary>Bitable: a phone number is invalid (InvalidPhoneNumber).</summary>
    public const int BitableInvalidPhoneNumber = 1254072;
    /// <summary>Bitable: a two-way link value could not be converted (HTTP 400).</summary>
    public const int BitableDuplexLinkConversionFailed = 1254074;
    /// <summary>Bitable: a text field's property is wrong (HTTP 400).</summary>
    public const int BitableTextPropertyError = 1254080;
    /// <summary>Bitable: a number field's property is wrong (HTTP 400).</summary>
    public const int BitableNumberPropertyError = 1254081;
    /// <summary>Bitable: a single-select field's property is wrong (HTTP 400).</summary>
    public const int BitableSingleSelectPropertyError = 1254082;
    /// <summary>Bitable: a multi-select field's property is wrong (HTTP 400).</summary>
    public const int BitableMultiSelectPropertyError = 1254083;
    /// <summary>Bitable: a date field's property is wrong (HTTP 400).</summary>
    public const int BitableDatePropertyError = 1254084;
    /// <summary>Bitable: a checkbox field's property is wrong (HTTP 400).</summary>
    public const int BitableCheckboxPropertyError = 1254085;
    /// <summary>Bitable: a user field's property is wrong (HTTP 400).</summary>
    public const int BitableUserPropertyError = 1254086;
    /// <summary>Bitable: a URL field's property is wrong (HTTP 400).</summary>
    public const int BitableUrlPropertyError = 1254087;
    /// <summary>Bitable: an attachment field's property is wrong (HTTP 400).</summary>
    public const int BitableAttachmentPropertyError = 1254088;
    /// <summary>Bitable: a one-way link field's property is wrong (HTTP 400).</summary>
    public const int BitableLinkPropertyError = 1254089;
    /// <summary>Bitable: a lookup field's property is wrong (HTTP 400).</summary>
    public const int BitableLookupPropertyError = 1254090;
    /// <summary>Bitable: a formula field's property is wrong (HTTP 400).</summary>
    public const int BitableFormulaPropertyError = 1254091;
    /// <summary>Bitable: a two-way link field's property is wrong (HTTP 400).</summary>
    public const int BitableDuplexLinkPropertyError = 1254092;
    /// <summary>Bitable: a created-time field's property is wrong (HTTP 400).</summary>
    public const int BitableCreatedTimePropertyError = 1254093;
    /// <summary>Bitable: a modified-time field's property is wrong (HTTP 400).</summary>
    public const int BitableModifiedTimePropertyError = 1254094;
    /// <summary>Bitable: a created-by field's property is wrong (HTTP 400).</summary>
    public const int BitableCreatedUserPropertyError = 1254095;
    /// <summary>Bitable: a modified-by field's property is wrong (HTTP 400).</summary>
    public const int BitableModifiedUserPropertyError = 1254096;
    /// <summary>Bitable: the base holds its most tables and dashboards (100; older pages say 300) (TableExceedLimit).</summary>
    public const int BitableTableLimit = 1254100;
    /// <summary>Bitable: the table holds its most views (200) (ViewExceedLimit).</summary>
    public const int BitableViewLimit = 1254101;
    /// <summary>Bitable: too many files (FileExceedLimit).</summary>
    public const int BitableFileLimit = 1254102;
    /// <summary>Bitable: the table holds its most records (depends on the plan) (RecordExceedLimit).</summary>
    public const int BitableRecordLimit = 1254103;
    /// <summary>Bitable: too many records in one call (1,000 now; 500 on older limits) (RecordAddOnceExceedLimit).</summary>
    public const int BitableBatchSizeExceeded = 1254104;
    /// <summary>Bitable: the table holds its most fields (300) (ColumnExceedLimit).</summary>
    public const int BitableFieldLimit = 1254105;
    /// <summary>Bitable: too many attachments (AttachExceedLimit).</summary>
    public const int BitableAttachmentLimit = 1254106;
    /// <summary>Bitable: the filter is too long (HTTP 400).</summary>
    public const int BitableFilterTooLong = 1254107;
    /// <summary>Bitable: the sort is too long (HTTP 400).</summary>
    public const int BitableSortTooLong = 1254108;
    /// <summary>Bitable: the table is too large for formulas (HTTP 400).</summary>
    public const int BitableFormulaTableTooLarge = 1254109;
    /// <summary>Bitable: the base holds its most roles (HTTP 400).</summary>
    public const int BitableRoleLimit = 1254110;
    /// <summary>Bitable: too many requests on one base (TooManyRequestInSingleBase): slow down.</summary>
    public const int BitableTooManyRequestsInBase = 1254112;
    /// <summary>Bitable: a cell is too large (TooLargeCell).</summary>
    public const int BitableCellTooLarge = 1254130;
    /// <summary>Bitable: internal error.</summary>
    public const int BitableInternalError = 1254200;
    /// <summary>Bitable: requests too fast (TooManyRequest): retried after a back-off.</summary>
    public const int BitableTooManyRequests = 1254290;
    /// <summary>Bitable: write conflict — concurrent calls on one table (or too fast): retried after a back-off; serialise writes per base.</summary>
    public const int BitableWriteConflict = 1254291;
    /// <summary>Bitable: advanced permissions are off or not supported (OperationTypeError).</summary>
    public const int BitableOperationTypeError = 1254301;
    /// <summary>Bitable: the caller lacks the advanced permission: add the app as a manager (HTTP 403).</summary>
    public const int BitablePermissionDenied = 1254302;
    /// <summary>Bitable: no permission for the attachment (HTTP 400).</summary>
    public const int BitableAttachmentPermissionDenied = 1254303;
    /// <summary>Bitable: no permission (PermNotAllow).</summary>
    public const int BitablePermissionNotAllowed = 1254304;
    /// <summary>Bitable: the tenant or base owner is limited by the base's plan (HTTP 403).</summary>
    public const int BitablePlanLimit = 1254306;
    /// <summary>Bitable: nothing changed (DataNotChange).</summary>
    public const int BitableDataNotChanged = 1254606;
    /// <summary>Bitable: data not ready — earlier work unfinished or the batch too heavy: wait, and send smaller batches.</summary>
    public const int BitableDataNotReady = 1254607;
    /// <summary>Bitable: the same request (same client_token) was sent again on the same base version: retried later (HTTP 403).</summary>
    public const int BitableRequestResubmitted = 1254608;
    /// <summary>Bitable: no permission on the drive node (HTTP 403).</summary>
    public const int BitableDriveNodePermissionDenied = 1254701;
    /// <summary>Bitable: the drive node does not exist (HTTP 404).</summary>
    public const int BitableDriveNodeNotFound = 1254702;
    /// <summary>Bitable: invalid parameter (HTTP 400).</summary>
    public const int BitableInvalidParameter = 1254800;
    /// <summary>Bitable: internal error (InternalError).</summary>
    public const int BitableServerInternalError = 1255001;
    /// <summary>Bitable: internal RPC error.</summary>
    public const int BitableRpcError = 1255002;
    /// <summary>Bitable: internal serialisation error.</summary>
    public const int BitableMarshalError = 1255003;
    /// <summary>Bitable: internal deserialisation error.</summary>
    public const int BitableUnmarshalError = 1255004;
    /// <summary>Bitable: internal conversion error.</summary>
    public const int BitableConversionError = 1255005;
    /// <summary>Bitable: the client_token was used for another request: use a new one (HTTP 400).</summary>
    public const int BitableClientTokenConflict = 1255006;
    /// <summary>Bitable: the request timed out (HTTP 504): retried.</summary>
    public const int BitableTimeout = 1255040;

    /// <summary>Drive subscription: failed; retry (HTTP 500).</summary>
    public const int DriveSubscribeFailed = 1069601;
    /// <summary>Drive subscription: a parameter is wrong (HTTP 400).</summary>
    public const int DriveSubscribeInvalidParameter = 1069602;
    /// <summary>Drive subscription: no right to manage the file: add the app through "添加文档应用" (HTTP 403).</summary>
    public const int DriveSubscribeForbidden = 1069603;
    /// <summary>Drive subscription: the file does not exist (HTTP 400).</summary>
    public const int DriveSubscribeFileNotFound = 1069604;
    /// <summary>Drive subscription: the file is not subscribed (HTTP 400).</summary>
    public const int DriveNotSubscribed = 1069605;

    /// <summary>Drive media upload: a parameter is wrong (HTTP 400).</summary>
    public const int DriveMediaParamsError = 1061002;
    /// <summary>Drive media upload: the file is larger than one upload takes (20 MB) (HTTP 400).</summary>
    public const int DriveMediaTooLarge = 1061043;
    /// <summary>Drive media upload: the parent node (for attachment cells, the base's app_token) does not exist (HTTP 400).</summary>
    public const int DriveMediaParentNotFound = 1061044;
    /// <summary>Drive media upload: more than 5 a second; retried.</summary>
    public const int DriveMediaTooFast = 1061045;

    /// <summary>
    /// Bitable codes that refuse a request for what one of its records holds: a batch refused with one is split to find
    /// the record (batches are all-or-nothing), the others written.
    /// </summary>
    public static bool IsBitableRecordError(int code) => code is BitableWrongRecordId or BitableEmptyValue or BitableRequestConversionError
        or BitableFieldTypeValueNotMatch or BitableUploadAttachNotAllowed or BitableRecordNotFound or BitableFieldNameNotFound
        or (>= BitableTextConversionFailed and <= BitableDuplexLinkConversionFailed)
        or BitableAttachmentLimit or BitableCellTooLarge or BitableAttachmentPermissionDenied;

    /// <summary>Bitable codes for which the same request succeeds later: too fast, a write conflict, a time-out, a resubmission in flight.</summary>
    private static bool IsBitableTransient(int code) => code is BitableTooManyRequests or BitableWriteConflict or BitableTimeout
        or BitableRequestResubmitted or BitableDataNotReady or BitableTooManyRequestsInBase or DriveSubscribeFailed or DriveMediaTooFast;
}
