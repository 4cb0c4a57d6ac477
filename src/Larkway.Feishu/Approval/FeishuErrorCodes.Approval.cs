namespace Larkway.Feishu;

/// <summary>Approval v4 codes (feishu-api.md §7).</summary>
public static partial class FeishuErrorCodes
{
    /// <summary>Approval: a parameter is invalid (form widget errors name the widget id).</summary>
    public const int ApprovalInvalidParameter = 1390001;
    /// <summary>Approval: no definition with that approval code.</summary>
    public const int ApprovalCodeNotFound = 1390002;
    /// <summary>Approval: no instance with that code.</summary>
    public const int ApprovalInstanceNotFound = 1390003;
    /// <summary>Approval: the user does not exist.</summary>
    public const int ApprovalUserNotFound = 1390004;
    /// <summary>Approval: the app already subscribes to the definition (success for <c>SubscribeAsync</c>).</summary>
    public const int ApprovalAlreadySubscribed = 1390007;
    /// <summary>Approval: no permission for the operation (HTTP 403).</summary>
    public const int ApprovalNoPermission = 1390009;
    /// <summary>Approval: no such task (or not pending for this user).</summary>
    public const int ApprovalTaskNotFound = 1390010;
    /// <summary>Approval: free processes are not supported.</summary>
    public const int ApprovalFreeProcessUnsupported = 1390013;
    /// <summary>Approval: the definition is disabled.</summary>
    public const int ApprovalDefinitionDisabled = 1390015;
    /// <summary>Approval: the definition is deleted.</summary>
    public const int ApprovalDefinitionDeleted = 1390016;
    /// <summary>Approval: a handwritten signature is needed, which the API cannot give.</summary>
    public const int ApprovalSignatureUnsupported = 1390018;
    /// <summary>Approval: internal error.</summary>
    public const int ApprovalInternalError = 1395001;
    /// <summary>Approval: the instance was already reverted.</summary>
    public const int ApprovalInstanceReverted = 1395210;
    /// <summary>Approval: an instance with this uuid exists (a retry of an earlier create).</summary>
    public const int ApprovalDuplicateUuid = 60012;
}
